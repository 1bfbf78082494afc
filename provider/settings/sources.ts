/** Settings this package reads from stack config and the environment. */
export type SettingName =
  | "accessKey"
  | "secretKey"
  | "securityToken"
  | "region"
  | "projectId"
  | "endpoints"
  | "maxRetries"
  | "lookupTimeout"
  | "maxRequestsPerSecond"
  | "maxConcurrentRequests"
  | "coalesceLookups";

/** Every {@link SettingName}, in the order error messages list them. */
export const SETTING_NAMES: readonly SettingName[] = [
  "accessKey",
  "secretKey",
  "securityToken",
  "region",
  "projectId",
  "endpoints",
  "maxRetries",
  "lookupTimeout",
  "maxRequestsPerSecond",
  "maxConcurrentRequests",
  "coalesceLookups",
];

/** Place settings are read from, such as stack config or environment variables. */
export interface SettingsSource {
  /** Name of the place for messages, such as `Pulumi stack config`. */
  readonly description: string;
  /** Returns the name under which this source reads a setting, such as `HW_REGION_NAME`, or `undefined` if it has no name for it. */
  nameOf(setting: SettingName): string | undefined;
  /** Returns the raw value of a setting, or `undefined` when it is not set. */
  get(setting: SettingName): string | undefined;
}

/** Pulumi config namespace shared with pulumi-huaweicloud, so existing stack config applies. */
export const CONFIG_NAMESPACE = "huaweicloud";

const ENVIRONMENT_NAMES: Readonly<Record<SettingName, readonly string[]>> = {
  accessKey: ["HW_ACCESS_KEY"],
  secretKey: ["HW_SECRET_KEY"],
  securityToken: ["HW_SECURITY_TOKEN"],
  region: ["HW_REGION_NAME"],
  projectId: ["HW_PROJECT_ID"],
  endpoints: [],
  maxRetries: ["HW_MAX_RETRIES"],
  lookupTimeout: ["HW_LOOKUP_TIMEOUT"],
  maxRequestsPerSecond: ["HW_MAX_REQUESTS_PER_SECOND"],
  maxConcurrentRequests: ["HW_MAX_CONCURRENT_REQUESTS"],
  coalesceLookups: ["HW_COALESCE_LOOKUPS"],
};

/**
 * Creates the source of Pulumi stack config keys `huaweicloud:<setting>`. `getConfig` returns a key's
 * value; a structured value such as the `endpoints` map may arrive as an object or as JSON text.
 */
export function createConfigSource(getConfig: (key: string) => unknown): SettingsSource {
  return {
    description: "Pulumi stack config",
    nameOf: (setting) => `${CONFIG_NAMESPACE}:${setting}`,
    get: (setting) => {
      const value = getConfig(`${CONFIG_NAMESPACE}:${setting}`);
      if (value === undefined || value === null || value === "") {
        return undefined;
      }
      return typeof value === "string" ? value : JSON.stringify(value);
    },
  };
}

/** Creates the source of the `HW_*` environment variables that terraform-provider-huaweicloud reads. */
export function createEnvironmentSource(env: NodeJS.ProcessEnv): SettingsSource {
  return {
    description: "environment variables",
    nameOf: (setting) => ENVIRONMENT_NAMES[setting][0],
    get: (setting) => {
      for (const name of ENVIRONMENT_NAMES[setting]) {
        const value = env[name];
        if (value !== undefined && value !== "") {
          return value;
        }
      }
      return undefined;
    },
  };
}

/** Returns the value of a setting from the first source that has it, with the name it has there. */
export function findSetting(sources: readonly SettingsSource[], setting: SettingName): { value: string; name: string } | undefined {
  for (const source of sources) {
    const value = source.get(setting);
    if (value !== undefined) {
      return { value, name: source.nameOf(setting) ?? setting };
    }
  }
  return undefined;
}
