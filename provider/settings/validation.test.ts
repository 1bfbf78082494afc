import { checkApiVersion, checkEndpoint, checkMetadataKey, checkProjectId, checkRegion, checkServerId } from "./validation";

describe("checkMetadataKey", () => {
  it.each(["role", "a b", "a:b", "a.b", "A-Z_09", "...", "x".repeat(255)])("accepts %j", (key) => {
    expect(checkMetadataKey(key)).toBeUndefined();
  });

  it.each(["", ".", "..", "a/b", "%2e%2e", "key?x=1", "libstdc++", "ключ", "x".repeat(256), "tab\tkey"])("rejects %j", (key) => {
    expect(checkMetadataKey(key)).toBeDefined();
  });

  it("names the disallowed characters", () => {
    expect(checkMetadataKey("a/b?")).toContain('"/" "?"');
  });

  it("rejects a non-string key", () => {
    expect(checkMetadataKey(42)).toBeDefined();
  });
});

describe("checkServerId", () => {
  it("accepts a UUID", () => {
    expect(checkServerId("5b5c1e1e-1111-2222-3333-444455556666")).toBeUndefined();
  });

  it.each(["", "web-1", "5b5c1e1e11112222333344445555666"])("rejects %j", (id) => {
    expect(checkServerId(id)).toBeDefined();
  });
});

describe("other checks", () => {
  it("accepts a 32-hex project id", () => {
    expect(checkProjectId("0123456789abcdef0123456789abcdef", "projectId")).toBeUndefined();
  });

  it("rejects a short project id", () => {
    expect(checkProjectId("0123", "projectId")).toContain('projectId "0123"');
  });

  it.each(["cn-north-4", "ap-southeast-1", "eu-west-101"])("accepts the region %s", (region) => {
    expect(checkRegion(region, "region")).toBeUndefined();
  });

  it.each(["CN-NORTH-4", "cn_north_4", "north", "cn-north-4/"])("rejects the region %j", (region) => {
    expect(checkRegion(region, "region")).toBeDefined();
  });

  it("rejects an endpoint that is not a URL", () => {
    expect(checkEndpoint("ecs example", "endpoint")).toBeDefined();
  });

  it("rejects an endpoint with user info without echoing the password", () => {
    expect(checkEndpoint("https://user:hunter2@ecs.example.test", "endpoint")).not.toContain("hunter2");
  });

  it("rejects an unsupported API version", () => {
    expect(checkApiVersion("v3")).toBeDefined();
  });
});
