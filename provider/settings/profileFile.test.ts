import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

import { InvalidInputError } from "../client";
import { createProfileSource, parseSharedConfig } from "./profileFile";

const FIXTURE = path.resolve(__dirname, "../../test/fixtures/settings/hcloud-config.json");
let directory: string;

beforeAll(() => {
  directory = mkdtempSync(path.join(tmpdir(), "ecs-metadata-profile-"));
});

afterAll(() => {
  rmSync(directory, { recursive: true, force: true });
});

function errorOf(action: () => unknown): Error {
  try {
    action();
  } catch (error) {
    return error as Error;
  }
  throw new Error("expected an error");
}

describe("createProfileSource", () => {
  it("reads the current profile", () => {
    const source = createProfileSource({ filePath: FIXTURE });
    expect(source.get("accessKey")).toBe("PROFILEDEFAULTAK0001");
    expect(source.get("region")).toBe("ap-southeast-1");
  });

  it("reads a named profile with its security token", () => {
    const source = createProfileSource({ filePath: FIXTURE, profileName: "temporary", profileNameSetting: "HW_PROFILE" });
    expect(source.get("securityToken")).toBe("profile-temporary-token-0001");
  });

  it("names the field, profile and file", () => {
    const source = createProfileSource({ filePath: FIXTURE, profileName: "temporary" });
    expect(source.nameOf("secretKey")).toBe(`secretAccessKey of profile "temporary" in ${FIXTURE}`);
  });

  it("holds no IAM token or password settings", () => {
    const source = createProfileSource({ filePath: FIXTURE });
    expect(source.get("token")).toBeUndefined();
    expect(source.nameOf("password")).toBeUndefined();
  });

  it("notes a profile mode without an access key", () => {
    const source = createProfileSource({ filePath: FIXTURE, profileName: "sso" });
    expect(source.get("accessKey")).toBeUndefined();
    expect(source.description).toContain('mode "SSO"');
  });

  it("is empty when the default file is absent", () => {
    const source = createProfileSource({ filePath: path.join(directory, "missing.json") });
    expect(source.get("accessKey")).toBeUndefined();
    expect(source.description).toContain("file not found");
  });

  it("rejects a named file that is absent", () => {
    const source = createProfileSource({ filePath: path.join(directory, "missing.json"), filePathSetting: "HW_SHARED_CONFIG_FILE" });
    const message = errorOf(() => source.get("accessKey")).message;
    expect(message).toContain("HW_SHARED_CONFIG_FILE");
    expect(message).toContain("does not exist");
  });

  it("lists the profiles when the named one is missing", () => {
    const source = createProfileSource({ filePath: FIXTURE, profileName: "prod", profileNameSetting: "huaweicloud:profile" });
    const message = errorOf(() => source.get("region")).message;
    expect(message).toContain('Profile "prod", chosen by huaweicloud:profile');
    expect(message).toContain('"default", "temporary", "sso"');
  });

  it("reads the file once", () => {
    const file = path.join(directory, "once.json");
    copyFileSync(FIXTURE, file);
    const source = createProfileSource({ filePath: file });
    expect(source.get("accessKey")).toBe("PROFILEDEFAULTAK0001");
    writeFileSync(file, "{}");
    expect(source.get("secretKey")).toBe("profile-default-secret-0001");
  });

  it("rejects a directory in place of the file", () => {
    const folder = path.join(directory, "folder.json");
    mkdirSync(folder, { recursive: true });
    const source = createProfileSource({ filePath: folder, filePathSetting: "huaweicloud:sharedConfigFile" });
    expect(errorOf(() => source.get("accessKey"))).toBeInstanceOf(InvalidInputError);
  });
});

describe("parseSharedConfig", () => {
  it("never quotes the text of invalid JSON", () => {
    const message = errorOf(() => parseSharedConfig('{"profiles": [{"secretAccessKey": "do-not-print-0001",}]}', "/x/config.json")).message;
    expect(message).toContain("/x/config.json is not valid JSON");
    expect(message).not.toContain("do-not-print-0001");
  });

  it("rejects a file without profiles", () => {
    expect(errorOf(() => parseSharedConfig('{"current": "a"}', "f")).message).toContain('no "profiles" list');
  });

  it("rejects a profile without a name", () => {
    expect(errorOf(() => parseSharedConfig('{"profiles": [{"accessKeyId": "A"}]}', "f")).message).toContain('Entry 0 of "profiles"');
  });

  it("rejects a field that is not a string", () => {
    expect(errorOf(() => parseSharedConfig('{"profiles": [{"name": "a", "region": 4}]}', "f")).message).toContain('Field "region" of profile "a"');
  });
});
