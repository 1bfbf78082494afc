import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

import { resolveAuthCredentials } from "../auth/credentials";
import { defaultSources } from "./defaultSources";
import { findExtendedSetting } from "./extendedSources";
import { resolveTarget } from "./resolveLookup";

const FIXTURE = path.resolve(__dirname, "../../test/fixtures/settings/hcloud-config.json");
const PROJECT_IN_PROFILE = "1b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e";
let home: string;

beforeAll(() => {
  home = mkdtempSync(path.join(tmpdir(), "ecs-metadata-sources-"));
  mkdirSync(path.join(home, ".hcloud"));
  copyFileSync(FIXTURE, path.join(home, ".hcloud", "config.json"));
});

afterAll(() => {
  rmSync(home, { recursive: true, force: true });
});

function sources(config: Record<string, unknown>, env: NodeJS.ProcessEnv = {}) {
  return defaultSources({ getConfig: (key) => config[key], env, homeDirectory: home });
}

function regionOf(config: Record<string, unknown>, env: NodeJS.ProcessEnv = {}): string | undefined {
  return findExtendedSetting(sources(config, env), "region")?.value;
}

describe("precedence", () => {
  const all = {
    config: { "huaweicloud:region": "cn-north-1" },
    env: { HW_REGION_NAME: "cn-north-2", OS_REGION_NAME: "cn-north-3" },
  };

  it("puts stack config first", () => {
    expect(regionOf(all.config, all.env)).toBe("cn-north-1");
  });

  it("puts HW_* before OS_*", () => {
    expect(regionOf({}, all.env)).toBe("cn-north-2");
  });

  it("puts OS_* before the profile file", () => {
    expect(regionOf({}, { OS_REGION_NAME: "cn-north-3" })).toBe("cn-north-3");
  });

  it("falls back to the profile file", () => {
    expect(regionOf({})).toBe("ap-southeast-1");
  });

  it("puts HUAWEICLOUD_SDK_* before the profile file", () => {
    const found = findExtendedSetting(sources({}, { HUAWEICLOUD_SDK_PROJECT_ID: "2b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e" }), "projectId");
    expect(found).toEqual({ value: "2b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e", name: "HUAWEICLOUD_SDK_PROJECT_ID" });
  });

  it("puts OS_* before HUAWEICLOUD_SDK_*", () => {
    const found = findExtendedSetting(sources({}, { HUAWEICLOUD_SDK_PROJECT_ID: "2b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e", OS_PROJECT_ID: "3b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e" }), "projectId");
    expect(found?.name).toBe("OS_PROJECT_ID");
  });

  it("lets inputs win over every source", () => {
    const target = resolveTarget({ serverId: "s", key: "k", region: "la-south-2" }, sources(all.config, all.env));
    expect(target.region).toBe("la-south-2");
  });

  it("resolves the target from the profile file", () => {
    const target = resolveTarget({ serverId: "s", key: "k" }, sources({}));
    expect(target.projectId).toBe(PROJECT_IN_PROFILE);
    expect(target.endpoint).toBe("https://ecs.ap-southeast-1.myhuaweicloud.com");
  });
});

describe("credentials by source", () => {
  it.each([
    ["stack config", { "huaweicloud:accessKey": "CONFIGAK", "huaweicloud:secretKey": "config-sk" }, {}, "CONFIGAK"],
    ["HW_*", {}, { HW_ACCESS_KEY: "HWAK", HW_SECRET_KEY: "hw-sk" }, "HWAK"],
    ["OS_*", {}, { OS_ACCESS_KEY: "OSAK", OS_SECRET_KEY: "os-sk" }, "OSAK"],
    ["HUAWEICLOUD_SDK_*", {}, { HUAWEICLOUD_SDK_AK: "SDKAK", HUAWEICLOUD_SDK_SK: "sdk-sk" }, "SDKAK"],
    ["the profile file", {}, {}, "PROFILEDEFAULTAK0001"],
  ])("reads AK/SK from %s", (_name, config, env, accessKey) => {
    const credentials = resolveAuthCredentials(sources(config, env));
    expect(credentials).toMatchObject({ kind: "accessKey", accessKey });
  });

  it("never takes the secret key from a later source", () => {
    expect(() => resolveAuthCredentials(sources({}, { HW_ACCESS_KEY: "HWAK", OS_SECRET_KEY: "os-sk" }))).toThrow("HW_SECRET_KEY");
  });

  it("reads the profile chosen by HW_PROFILE", () => {
    const credentials = resolveAuthCredentials(sources({}, { HW_PROFILE: "temporary" }));
    expect(credentials).toMatchObject({ securityToken: "profile-temporary-token-0001" });
  });

  it("prefers huaweicloud:profile over HW_PROFILE", () => {
    const credentials = resolveAuthCredentials(sources({ "huaweicloud:profile": "default" }, { HW_PROFILE: "temporary" }));
    expect(credentials).toMatchObject({ accessKey: "PROFILEDEFAULTAK0001" });
  });

  it("reads the file named by HW_SHARED_CONFIG_FILE, with ~ expanded", () => {
    const credentials = resolveAuthCredentials(sources({}, { HW_SHARED_CONFIG_FILE: "~/.hcloud/config.json", HW_PROFILE: "temporary" }));
    expect(credentials).toMatchObject({ accessKey: "PROFILETEMPORARYAK01" });
  });

  it("reads the SDK security token with the SDK pair", () => {
    const credentials = resolveAuthCredentials(sources({}, { HUAWEICLOUD_SDK_AK: "SDKAK", HUAWEICLOUD_SDK_SK: "sdk-sk", HUAWEICLOUD_SDK_SECURITY_TOKEN: "sdk-token" }));
    expect(credentials).toMatchObject({ securityToken: "sdk-token" });
  });

  it("names every place looked at when nothing is set", () => {
    const empty = defaultSources({ getConfig: () => undefined, env: {}, homeDirectory: path.join(home, "nowhere") });
    let message = "";
    try {
      resolveAuthCredentials(empty);
    } catch (error) {
      message = (error as Error).message;
    }
    for (const name of ["huaweicloud:accessKey", "huaweicloud:token", "huaweicloud:userName", "HW_ACCESS_KEY", "HW_AUTH_TOKEN", "HW_USER_PASSWORD", "OS_ACCESS_KEY", "OS_PASSWORD", "HUAWEICLOUD_SDK_AK", "HUAWEICLOUD_SDK_SK"]) {
      expect(message).toContain(name);
    }
    expect(message).toContain(path.join(home, "nowhere", ".hcloud", "config.json"));
    expect(message).toContain("the current profile");
  });
});
