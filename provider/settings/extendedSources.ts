import { createConfigSource, createEnvironmentSource, SettingName, SettingsSource } from "./sources";

/** Settings of the authentication modes, the endpoints, TLS and the shared profile file. */
export type AuthSettingName =
  | "token"
  | "userName"
  | "password"
  | "domainName"
  | "authUrl"
  | "cloud"
  | "insecure"
  | "cacertFile"
  | "profile"
  | "sharedConfigFile";

/** Every setting a {@link ExtendedSettingsSource} can hold. */
export type ExtendedSettingName = SettingName | AuthSettingName;

/**
 * {@link SettingsSource} that also contains the {@link AuthSettingName} settings. It can be passed
 * wherever a `SettingsSource` is expected.
 */
export interface ExtendedSettingsSource extends SettingsSource {
  /** Returns the name under which this source reads a setting, or `undefined` if it has none. */
  nameOf(setting: ExtendedSettingName): string | undefined;
  /** Returns the raw value of a setting, or `undefined` when it is not set. */
  get(setting: ExtendedSettingName): string | undefined;
}

/** Every {@link AuthSettingName}, in the order documentation lists them. */
export const AUTH_SETTING_NAME_LIST: readonly AuthSettingName[] = [
  "token",
  "userName",
  "password",
  "domainName",
  "authUrl",
  "cloud",
  "insecure",
  "cacertFile",
  "profile",
  "sharedConfigFile",
];

const AUTH_SETTING_NAMES: ReadonlySet<string> = new Set<AuthSettingName>(AUTH_SETTING_NAME_LIST);

/** `HW_*` names of the {@link AuthSettingName} settings, as terraform-provider-huaweicloud reads them. */
const HW_AUTH_NAMES: Readonly<Record<AuthSettingName, readonly string[]>> = {
  token: ["HW_AUTH_TOKEN"],
  userName: ["HW_USER_NAME"],
  password: ["HW_USER_PASSWORD"],
  domainName: ["HW_DOMAIN_NAME"],
  authUrl: ["HW_AUTH_URL"],
  cloud: ["HW_CLOUD"],
  insecure: ["HW_INSECURE"],
  cacertFile: [],
  profile: ["HW_PROFILE"],
  sharedConfigFile: ["HW_SHARED_CONFIG_FILE"],
};

/**
 * `OS_*` fallbacks that terraform-provider-huaweicloud reads after the `HW_*` names (its
 * `huaweicloud/provider.go`). `OS_CACERT` is the only name of the CA bundle setting there.
 */
export const OPENSTACK_ENVIRONMENT_NAMES: Readonly<Partial<Record<ExtendedSettingName, readonly string[]>>> = {
  accessKey: ["OS_ACCESS_KEY"],
  secretKey: ["OS_SECRET_KEY"],
  region: ["OS_REGION_NAME"],
  projectId: ["OS_PROJECT_ID"],
  token: ["OS_AUTH_TOKEN"],
  userName: ["OS_USERNAME"],
  password: ["OS_PASSWORD"],
  domainName: ["OS_DOMAIN_NAME", "OS_USER_DOMAIN_NAME", "OS_PROJECT_DOMAIN_NAME"],
  authUrl: ["OS_AUTH_URL"],
  insecure: ["OS_INSECURE"],
  cacertFile: ["OS_CACERT"],
};

/** Variables that the official Huawei Cloud SDKs read for their default credentials. */
export const SDK_ENVIRONMENT_NAMES: Readonly<Partial<Record<ExtendedSettingName, readonly string[]>>> = {
  accessKey: ["HUAWEICLOUD_SDK_AK"],
  secretKey: ["HUAWEICLOUD_SDK_SK"],
  securityToken: ["HUAWEICLOUD_SDK_SECURITY_TOKEN"],
  projectId: ["HUAWEICLOUD_SDK_PROJECT_ID"],
};

/** Returns whether a setting is one of the {@link AuthSettingName} settings. */
export function isAuthSetting(setting: ExtendedSettingName): setting is AuthSettingName {
  return AUTH_SETTING_NAMES.has(setting);
}

/**
 * Creates the source of the Pulumi stack config keys `huaweicloud:<setting>` for every
 * {@link ExtendedSettingName}, such as `huaweicloud:token` and `huaweicloud:cacertFile`.
 */
export function createStackConfigSource(getConfig: (key: string) => unknown): ExtendedSettingsSource {
  // createConfigSource builds the key from the setting name alone, so it serves the extra names unchanged.
  return createConfigSource(getConfig) as ExtendedSettingsSource;
}

/** Creates the source of the `HW_*` variables, the extra settings' names included. */
export function createHwEnvironmentSource(env: NodeJS.ProcessEnv): ExtendedSettingsSource {
  const base = createEnvironmentSource(env);
  return {
    description: base.description,
    nameOf: (setting) => (isAuthSetting(setting) ? HW_AUTH_NAMES[setting][0] : base.nameOf(setting)),
    get: (setting) => (isAuthSetting(setting) ? readFirst(env, HW_AUTH_NAMES[setting]) : base.get(setting)),
  };
}

/**
 * Creates a source of environment variables from a table of names; a setting with several names
 * takes the first one set. Settings missing from the table are never set in this source.
 */
export function createNamedEnvironmentSource(
  env: NodeJS.ProcessEnv,
  description: string,
  names: Readonly<Partial<Record<ExtendedSettingName, readonly string[]>>>,
): ExtendedSettingsSource {
  return {
    description,
    nameOf: (setting) => names[setting]?.[0],
    get: (setting) => readFirst(env, names[setting] ?? []),
  };
}

function readFirst(env: NodeJS.ProcessEnv, names: readonly string[]): string | undefined {
  for (const name of names) {
    const value = env[name];
    if (value !== undefined && value !== "") {
      return value;
    }
  }
  return undefined;
}

/** Returns the value of a setting from the first source that sets it, with the name it was set under. */
export function findExtendedSetting(sources: readonly ExtendedSettingsSource[], setting: ExtendedSettingName): { value: string; name: string } | undefined {
  for (const source of sources) {
    const value = source.get(setting);
    if (value !== undefined) {
      return { value, name: source.nameOf(setting) ?? setting };
    }
  }
  return undefined;
}
