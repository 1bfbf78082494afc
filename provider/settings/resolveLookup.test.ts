import { InvalidInputError } from "../client";
import { MissingSettingError, resolveCredentials, resolveTarget, TargetInputs } from "./resolveLookup";
import { createConfigSource, createEnvironmentSource, SettingsSource } from "./sources";

const PROJECT_A = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
const PROJECT_B = "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";
const inputs: TargetInputs = { serverId: "5b5c1e1e-1111-2222-3333-444455556666", key: "role" };

function sources(config: Record<string, unknown>, env: Record<string, string> = {}): SettingsSource[] {
  return [createConfigSource((key) => config[key]), createEnvironmentSource(env)];
}

function errorOf(action: () => unknown): Error {
  try {
    action();
  } catch (error) {
    return error as Error;
  }
  throw new Error("expected an error");
}

describe("resolveTarget", () => {
  it("builds the default endpoint from the region", () => {
    const target = resolveTarget(inputs, sources({ "huaweicloud:region": "cn-north-4", "huaweicloud:projectId": PROJECT_A }));
    expect(target.endpoint).toBe("https://ecs.cn-north-4.myhuaweicloud.com");
  });

  it("defaults the API version to v2.1", () => {
    const target = resolveTarget(inputs, sources({ "huaweicloud:region": "cn-north-4", "huaweicloud:projectId": PROJECT_A }));
    expect(target.apiVersion).toBe("v2.1");
  });

  it("prefers inputs over stack config", () => {
    const target = resolveTarget({ ...inputs, projectId: PROJECT_B }, sources({ "huaweicloud:region": "cn-north-4", "huaweicloud:projectId": PROJECT_A }));
    expect(target.projectId).toBe(PROJECT_B);
  });

  it("prefers stack config over the environment", () => {
    const target = resolveTarget(inputs, sources({ "huaweicloud:projectId": PROJECT_A, "huaweicloud:region": "cn-north-4" }, { HW_PROJECT_ID: PROJECT_B }));
    expect(target.projectId).toBe(PROJECT_A);
  });

  it("reads HW_REGION_NAME and HW_PROJECT_ID", () => {
    const target = resolveTarget(inputs, sources({}, { HW_REGION_NAME: "ap-southeast-1", HW_PROJECT_ID: PROJECT_B }));
    expect(target.endpoint).toBe("https://ecs.ap-southeast-1.myhuaweicloud.com");
    expect(target.projectId).toBe(PROJECT_B);
  });

  it("takes the ecs entry of huaweicloud:endpoints as a JSON string", () => {
    const target = resolveTarget(inputs, sources({ "huaweicloud:projectId": PROJECT_A, "huaweicloud:endpoints": '{"ecs": "http://127.0.0.1:9000/"}' }));
    expect(target.endpoint).toBe("http://127.0.0.1:9000");
  });

  it("takes the ecs entry of huaweicloud:endpoints as an object", () => {
    const target = resolveTarget(inputs, sources({ "huaweicloud:projectId": PROJECT_A, "huaweicloud:endpoints": { ecs: "ecs.example.test" } }));
    expect(target.endpoint).toBe("https://ecs.example.test");
  });

  it("sets region to null when only an endpoint is set", () => {
    const target = resolveTarget({ ...inputs, endpoint: "http://127.0.0.1:9000" }, sources({ "huaweicloud:projectId": PROJECT_A }));
    expect(target.region).toBeNull();
  });

  it("names every place a missing project id was looked for", () => {
    const message = errorOf(() => resolveTarget(inputs, sources({ "huaweicloud:region": "cn-north-4" }))).message;
    expect(message).toContain("huaweicloud:projectId");
    expect(message).toContain("HW_PROJECT_ID");
  });

  it("asks for a region when neither region nor endpoint is set", () => {
    expect(errorOf(() => resolveTarget(inputs, sources({ "huaweicloud:projectId": PROJECT_A })))).toBeInstanceOf(MissingSettingError);
  });

  it("rejects a malformed region from config, naming the key", () => {
    const message = errorOf(() => resolveTarget(inputs, sources({ "huaweicloud:region": "North 4", "huaweicloud:projectId": PROJECT_A }))).message;
    expect(message).toContain('huaweicloud:region "North 4"');
  });

  it("rejects an endpoints setting that is not JSON", () => {
    const error = errorOf(() => resolveTarget(inputs, sources({ "huaweicloud:projectId": PROJECT_A, "huaweicloud:endpoints": "ecs=x" })));
    expect(error).toBeInstanceOf(InvalidInputError);
  });

  it("rejects an endpoint with a query", () => {
    const error = errorOf(() => resolveTarget({ ...inputs, endpoint: "https://ecs.example.test/?a=1" }, sources({ "huaweicloud:projectId": PROJECT_A })));
    expect(error).toBeInstanceOf(InvalidInputError);
  });
});

describe("resolveCredentials", () => {
  it("reads AK/SK from stack config", () => {
    const credentials = resolveCredentials(sources({ "huaweicloud:accessKey": "AK1", "huaweicloud:secretKey": "SK1" }));
    expect(credentials).toEqual({ accessKey: "AK1", secretKey: "SK1" });
  });

  it("reads the security token with the pair", () => {
    const credentials = resolveCredentials(sources({}, { HW_ACCESS_KEY: "AK2", HW_SECRET_KEY: "SK2", HW_SECURITY_TOKEN: "T2" }));
    expect(credentials.securityToken).toBe("T2");
  });

  it("prefers stack config over the environment", () => {
    const credentials = resolveCredentials(sources({ "huaweicloud:accessKey": "AK1", "huaweicloud:secretKey": "SK1" }, { HW_ACCESS_KEY: "AK2", HW_SECRET_KEY: "SK2" }));
    expect(credentials.accessKey).toBe("AK1");
  });

  it("never mixes an access key and a secret key from two places", () => {
    const error = errorOf(() => resolveCredentials(sources({ "huaweicloud:accessKey": "AK1" }, { HW_ACCESS_KEY: "AK2", HW_SECRET_KEY: "SK2" })));
    expect(error.message).toContain("huaweicloud:secretKey");
  });

  it("names every place looked at when no credentials are set", () => {
    const message = errorOf(() => resolveCredentials(sources({}))).message;
    expect(message).toContain("huaweicloud:accessKey");
    expect(message).toContain("HW_ACCESS_KEY");
  });

  it("keeps the secret key out of the error for a half-set pair", () => {
    const message = errorOf(() => resolveCredentials(sources({ "huaweicloud:accessKey": "AK1" }, { HW_SECRET_KEY: "very-secret-value" }))).message;
    expect(message).not.toContain("very-secret-value");
  });
});
