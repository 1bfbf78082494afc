import { InvalidInputError } from "./errors";
import { buildMetadataKeyPath, buildMetadataKeyUrl, buildMetadataUrl, MetadataKeyTarget } from "./urls";

const target: MetadataKeyTarget = {
  apiVersion: "v2.1",
  projectId: "0123456789abcdef0123456789abcdef",
  serverId: "5b5c1e1e-1111-2222-3333-444455556666",
  key: "role",
};

describe("buildMetadataKeyPath", () => {
  it("builds the v2.1 path", () => {
    expect(buildMetadataKeyPath(target)).toBe("/v2.1/0123456789abcdef0123456789abcdef/servers/5b5c1e1e-1111-2222-3333-444455556666/metadata/role");
  });

  it("builds the v2 path", () => {
    expect(buildMetadataKeyPath({ ...target, apiVersion: "v2" })).toMatch(/^\/v2\/0123/);
  });

  it.each([
    ["a b", "a%20b"],
    ["a:b", "a%3Ab"],
    ["a/b", "a%2Fb"],
    ["key?x=1", "key%3Fx%3D1"],
    ["%2e%2e", "%252e%252e"],
    ["100%", "100%25"],
  ])("encodes the key %j as one segment", (key, encoded) => {
    expect(buildMetadataKeyPath({ ...target, key }).split("/").pop()).toBe(encoded);
  });
});

describe("buildMetadataKeyUrl", () => {
  it("keeps a base path of the endpoint", () => {
    const url = buildMetadataKeyUrl("http://127.0.0.1:8080/ecs/", target);
    expect(url.pathname).toBe("/ecs" + buildMetadataKeyPath(target));
  });

  it("keeps a key with a space intact", () => {
    const url = buildMetadataKeyUrl("https://ecs.cn-north-4.myhuaweicloud.com", { ...target, key: "a b" });
    expect(url.pathname.endsWith("/metadata/a%20b")).toBe(true);
  });

  it.each([".", ".."])("rejects the dot-segment key %j", (key) => {
    expect(() => buildMetadataKeyUrl("https://ecs.cn-north-4.myhuaweicloud.com", { ...target, key })).toThrow(InvalidInputError);
  });

  it("accepts a key of three dots", () => {
    const url = buildMetadataKeyUrl("https://ecs.cn-north-4.myhuaweicloud.com", { ...target, key: "..." });
    expect(url.pathname.endsWith("/metadata/...")).toBe(true);
  });
});

describe("path guard", () => {
  it.each([
    ["serverId", { ...target, serverId: ".." }],
    ["projectId", { ...target, projectId: "." }],
    ["key", { ...target, key: "" }],
    ["key", { ...target, key: "\ud800" }],
  ])("rejects a bad %s before a request", (property, bad) => {
    let error: unknown;
    try {
      buildMetadataKeyUrl("https://ecs.example.test", bad);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(InvalidInputError);
    expect((error as InvalidInputError).property).toBe(property);
  });
});

describe("buildMetadataUrl", () => {
  it("builds the path of all pairs", () => {
    expect(buildMetadataUrl("https://ecs.example.test", target).pathname).toBe(
      "/v2.1/0123456789abcdef0123456789abcdef/servers/5b5c1e1e-1111-2222-3333-444455556666/metadata",
    );
  });

  it("rejects a dot-segment server id", () => {
    expect(() => buildMetadataUrl("https://ecs.example.test", { ...target, serverId: ".." })).toThrow(InvalidInputError);
  });
});
