import { InvalidInputError } from "../client";
import { checkCloud, defaultCloudOf, normalizeEndpoint, parseEndpointOverrides, resolveServiceEndpoints } from "./endpoints";

function errorOf(action: () => unknown): Error {
  try {
    action();
  } catch (error) {
    return error as Error;
  }
  throw new Error("expected an error");
}

describe("resolveServiceEndpoints", () => {
  it.each([
    ["cn-north-4", "https://ecs.cn-north-4.myhuaweicloud.com", "https://iam.cn-north-4.myhuaweicloud.com/v3"],
    ["ap-southeast-1", "https://ecs.ap-southeast-1.myhuaweicloud.com", "https://iam.ap-southeast-1.myhuaweicloud.com/v3"],
    ["eu-west-101", "https://ecs.eu-west-101.myhuaweicloud.eu", "https://iam.eu-west-101.myhuaweicloud.eu/v3"],
    ["eu-west-0", "https://ecs.eu-west-0.myhuaweicloud.com", "https://iam.eu-west-0.myhuaweicloud.com/v3"],
  ])("builds the default endpoints of %s", (region, ecs, iam) => {
    expect(resolveServiceEndpoints({ region })).toEqual({ ecs, iam });
  });

  it.each(["cn-north-4", "ap-southeast-1", "eu-west-101"])("uses huaweicloud:cloud for %s", (region) => {
    const endpoints = resolveServiceEndpoints({ region, cloud: { value: "example.internal", name: "huaweicloud:cloud" } });
    expect(endpoints.ecs).toBe(`https://ecs.${region}.example.internal`);
    expect(endpoints.iam).toBe(`https://iam.${region}.example.internal/v3`);
  });

  it("takes the ecs and iam overrides", () => {
    const overrides = parseEndpointOverrides('{"ecs": "ecs.example.test/", "iam": "https://iam.example.test"}', "huaweicloud:endpoints");
    expect(resolveServiceEndpoints({ region: "cn-north-4", overrides })).toEqual({ ecs: "https://ecs.example.test", iam: "https://iam.example.test/v3" });
  });

  it("keeps the path of an iam override", () => {
    const overrides = parseEndpointOverrides({ iam: "https://iam.example.test/v3/" }, "huaweicloud:endpoints");
    expect(resolveServiceEndpoints({ region: "cn-north-4", overrides }).iam).toBe("https://iam.example.test/v3");
  });

  it("prefers authUrl over the iam override", () => {
    const endpoints = resolveServiceEndpoints({
      region: "cn-north-4",
      overrides: { iam: "https://iam.example.test" },
      authUrl: { value: "iam.other.test/v3", name: "HW_AUTH_URL" },
    });
    expect(endpoints.iam).toBe("https://iam.other.test/v3");
  });

  it("prefers the endpoint input over the ecs override", () => {
    const endpoints = resolveServiceEndpoints({ region: "cn-north-4", overrides: { ecs: "https://ecs.example.test" }, ecsInput: "http://127.0.0.1:9000/" });
    expect(endpoints.ecs).toBe("http://127.0.0.1:9000");
  });

  it("leaves IAM unset without a region", () => {
    expect(resolveServiceEndpoints({ ecsInput: "https://ecs.example.test" }).iam).toBeUndefined();
  });

  it("rejects a region that does not look like one", () => {
    expect(errorOf(() => resolveServiceEndpoints({ region: "North 4" }))).toBeInstanceOf(InvalidInputError);
  });

  it("rejects a cloud domain with a scheme", () => {
    const message = errorOf(() => resolveServiceEndpoints({ region: "cn-north-4", cloud: { value: "https://myhuaweicloud.com", name: "HW_CLOUD" } })).message;
    expect(message).toContain('HW_CLOUD "https://myhuaweicloud.com"');
  });

  it("rejects an authUrl that is not a URL", () => {
    const message = errorOf(() => resolveServiceEndpoints({ region: "cn-north-4", authUrl: { value: "iam example", name: "huaweicloud:authUrl" } })).message;
    expect(message).toContain("huaweicloud:authUrl");
  });

  it("asks for a region when the ECS endpoint needs one", () => {
    expect(errorOf(() => resolveServiceEndpoints({})).message).toContain("No region is set");
  });
});

describe("parseEndpointOverrides", () => {
  it("rejects text that is not JSON", () => {
    expect(errorOf(() => parseEndpointOverrides("ecs=x", "huaweicloud:endpoints")).message).toContain("not a JSON object");
  });

  it("rejects an override that is not a URL", () => {
    expect(errorOf(() => parseEndpointOverrides({ ecs: "ecs example" }, "huaweicloud:endpoints")).message).toContain("huaweicloud:endpoints.ecs");
  });

  it("rejects an override that is not a string", () => {
    expect(errorOf(() => parseEndpointOverrides({ iam: 42 }, "huaweicloud:endpoints")).message).toContain("huaweicloud:endpoints.iam is not a URL string");
  });

  it("rejects an override with user info", () => {
    expect(errorOf(() => parseEndpointOverrides({ ecs: "https://user:pass@ecs.example.test" }, "huaweicloud:endpoints")).message).not.toContain("pass@");
  });
});

describe("helpers", () => {
  it.each([
    ["ecs.example.test", "https://ecs.example.test"],
    ["https://ecs.example.test/", "https://ecs.example.test"],
    ["http://127.0.0.1:9000//", "http://127.0.0.1:9000"],
    [" https://iam.example.test/v3/ ", "https://iam.example.test/v3"],
  ])("normalises %j", (value, expected) => {
    expect(normalizeEndpoint(value)).toBe(expected);
  });

  it("picks the European domain for eu-west-101", () => {
    expect(defaultCloudOf("eu-west-101")).toBe("myhuaweicloud.eu");
  });

  it("accepts a lower-case domain", () => {
    expect(checkCloud("myhuaweicloud.com", "cloud")).toBeUndefined();
  });

  it.each(["MyHuaweiCloud.com", "myhuaweicloud.com/", "localhost:8080", ".com"])("rejects the cloud %j", (cloud) => {
    expect(checkCloud(cloud, "cloud")).toBeDefined();
  });
});
