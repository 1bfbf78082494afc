import { createHwEnvironmentSource, createStackConfigSource } from "../settings/extendedSources";
import { MissingCredentialsError, resolveAuthCredentials } from "./credentials";

const SECRET = "very-secret-value-0001";

function sources(config: Record<string, unknown>, env: NodeJS.ProcessEnv = {}) {
  return [createStackConfigSource((key) => config[key]), createHwEnvironmentSource(env)];
}

function messageOf(action: () => unknown): string {
  try {
    action();
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error("expected an error");
}

describe("resolveAuthCredentials", () => {
  it("reads permanent AK/SK", () => {
    expect(resolveAuthCredentials(sources({ "huaweicloud:accessKey": "AK", "huaweicloud:secretKey": "SK" }))).toEqual({
      kind: "accessKey",
      accessKey: "AK",
      secretKey: "SK",
      source: "Pulumi stack config",
    });
  });

  it("reads temporary AK/SK with the security token", () => {
    const credentials = resolveAuthCredentials(sources({}, { HW_ACCESS_KEY: "AK", HW_SECRET_KEY: "SK", HW_SECURITY_TOKEN: "T" }));
    expect(credentials).toMatchObject({ kind: "accessKey", securityToken: "T", source: "environment variables" });
  });

  it("reads an IAM token", () => {
    expect(resolveAuthCredentials(sources({}, { HW_AUTH_TOKEN: "TOKEN" }))).toMatchObject({ kind: "token", token: "TOKEN" });
  });

  it("reads a user name, password and domain", () => {
    const credentials = resolveAuthCredentials(sources({}, { HW_USER_NAME: "u", HW_USER_PASSWORD: "p", HW_DOMAIN_NAME: "d" }));
    expect(credentials).toMatchObject({ kind: "password", userName: "u", password: "p", domainName: "d" });
  });

  it("prefers a token over AK/SK in one source, as Terraform does", () => {
    expect(resolveAuthCredentials(sources({ "huaweicloud:token": "T", "huaweicloud:accessKey": "AK", "huaweicloud:secretKey": "SK" })).kind).toBe("token");
  });

  it("prefers an earlier source's password over a later source's AK/SK", () => {
    const credentials = resolveAuthCredentials(
      sources({ "huaweicloud:userName": "u", "huaweicloud:password": "p", "huaweicloud:domainName": "d" }, { HW_ACCESS_KEY: "AK", HW_SECRET_KEY: "SK" }),
    );
    expect(credentials.kind).toBe("password");
  });

  it("rejects an access key without its secret key", () => {
    expect(messageOf(() => resolveAuthCredentials(sources({ "huaweicloud:accessKey": "AK" }, { HW_SECRET_KEY: SECRET })))).toContain(
      "Pulumi stack config sets the access key id AK (huaweicloud:accessKey) but not the secret key huaweicloud:secretKey",
    );
  });

  it("rejects a secret key without its access key, without printing it", () => {
    const message = messageOf(() => resolveAuthCredentials(sources({}, { HW_SECRET_KEY: SECRET })));
    expect(message).toContain("HW_ACCESS_KEY");
    expect(message).not.toContain(SECRET);
  });

  it("rejects a security token without a pair", () => {
    expect(messageOf(() => resolveAuthCredentials(sources({}, { HW_SECURITY_TOKEN: SECRET })))).toContain("HW_SECURITY_TOKEN");
  });

  it("rejects a password without a user name", () => {
    const message = messageOf(() => resolveAuthCredentials(sources({ "huaweicloud:password": SECRET, "huaweicloud:domainName": "d" })));
    expect(message).toContain("sets a password but not huaweicloud:userName");
    expect(message).not.toContain(SECRET);
  });

  it("rejects a user name without a domain", () => {
    expect(messageOf(() => resolveAuthCredentials(sources({}, { HW_USER_NAME: "u", HW_USER_PASSWORD: SECRET })))).toContain(
      'sets the IAM user name "u" but not HW_DOMAIN_NAME',
    );
  });

  it("raises MissingCredentialsError when nothing is set", () => {
    expect(() => resolveAuthCredentials(sources({}))).toThrow(MissingCredentialsError);
  });
});
