import { InvalidInputError } from "../client";
import { createConfigSource, createEnvironmentSource } from "./sources";
import {
  checkApiVersion,
  checkEndpoint,
  checkMetadataKey,
  checkProjectId,
  checkRegion,
  checkServerId,
  parseLookupTimeout,
  parseMaxRetries,
  resolveRetrySettings,
} from "./validation";

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

describe("retry settings", () => {
  it.each([
    ["0", 0],
    ["5", 5],
    [" 12 ", 12],
    ["100", 100],
  ])("accepts maxRetries %j", (value, expected) => {
    expect(parseMaxRetries(value, "HW_MAX_RETRIES")).toBe(expected);
  });

  it.each(["-1", "1.5", "five", "", "101", "0x10", "1e2"])("rejects maxRetries %j, naming the setting", (value) => {
    let error: unknown;
    try {
      parseMaxRetries(value, "HW_MAX_RETRIES");
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(InvalidInputError);
    expect((error as InvalidInputError).property).toBe("HW_MAX_RETRIES");
    expect((error as Error).message).toContain("HW_MAX_RETRIES");
  });

  it.each(["0", "-3", "2.5", "3601", "1m"])("rejects lookupTimeout %j", (value) => {
    expect(() => parseLookupTimeout(value, "huaweicloud:lookupTimeout")).toThrow(InvalidInputError);
  });

  it("accepts lookupTimeout in seconds", () => {
    expect(parseLookupTimeout("90", "huaweicloud:lookupTimeout")).toBe(90);
  });

  it("defaults to 5 retries and 60 seconds", () => {
    expect(resolveRetrySettings([createEnvironmentSource({})])).toEqual({ maxRetries: 5, deadlineMs: 60_000 });
  });

  it("reads HW_MAX_RETRIES and HW_LOOKUP_TIMEOUT", () => {
    expect(resolveRetrySettings([createEnvironmentSource({ HW_MAX_RETRIES: "2", HW_LOOKUP_TIMEOUT: "30" })])).toEqual({ maxRetries: 2, deadlineMs: 30_000 });
  });

  it("prefers stack config over the environment", () => {
    const sources = [createConfigSource((key) => (key === "huaweicloud:maxRetries" ? 1 : undefined)), createEnvironmentSource({ HW_MAX_RETRIES: "9" })];
    expect(resolveRetrySettings(sources).maxRetries).toBe(1);
  });

  it("names the stack config key of an invalid value", () => {
    const sources = [createConfigSource((key) => (key === "huaweicloud:lookupTimeout" ? "-1" : undefined))];
    expect(() => resolveRetrySettings(sources)).toThrow("huaweicloud:lookupTimeout");
  });
});

describe("non-string inputs", () => {
  it.each([
    ["serverId", () => checkServerId(42)],
    ["key", () => checkMetadataKey(null)],
    ["projectId", () => checkProjectId(7, "projectId")],
    ["region", () => checkRegion(["cn-north-4"], "region")],
    ["endpoint", () => checkEndpoint({}, "endpoint")],
  ])("rejects a non-string %s", (property, check) => {
    expect(check()).toContain(property);
  });

  it("shows a control character in a rejected key", () => {
    expect(checkMetadataKey("a\nb")).toContain('"a\\nb"');
  });
});

describe("checkEndpoint and passwords", () => {
  it("hides the password of an unparseable URL", () => {
    const reason = checkEndpoint("http://user:pa55word@127.0.0.1:1 x", "endpoint");
    expect(reason).toContain("is not a URL");
    expect(reason).not.toContain("pa55word");
  });

  it("hides the password of a non-HTTP URL", () => {
    expect(checkEndpoint("ftp://user:pa55word@example.test/", "endpoint")).not.toContain("pa55word");
  });
});
