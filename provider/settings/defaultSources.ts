import path from "node:path";

import {
  createHwEnvironmentSource,
  createNamedEnvironmentSource,
  createStackConfigSource,
  ExtendedSettingsSource,
  OPENSTACK_ENVIRONMENT_NAMES,
  SDK_ENVIRONMENT_NAMES,
} from "./extendedSources";
import { createProfileSource, DEFAULT_SHARED_CONFIG_FILE } from "./profileFile";

/** Inputs of {@link defaultSources}. */
export interface DefaultSourcesOptions {
  /** Returns a stack config value by its full key, such as `huaweicloud:region`; `pulumi.Config` or the provider's configure request. */
  readonly getConfig: (key: string) => unknown;
  /** Environment variables, usually `process.env`. */
  readonly env: NodeJS.ProcessEnv;
  /** Home directory that `~/.hcloud/config.json` and a leading `~` in `sharedConfigFile` resolve against. */
  readonly homeDirectory: string;
}

/**
 * Builds the settings sources in precedence order: Pulumi stack config `huaweicloud:*`, the `HW_*`
 * variables, their `OS_*` fallbacks, the `HUAWEICLOUD_SDK_*` variables, and one profile of the
 * shared config file. The resource and the function both call this, so they resolve identically.
 * Per-resource inputs (`region`, `projectId`, `endpoint`) come before all of these and are applied
 * by the resolvers.
 */
export function defaultSources(options: DefaultSourcesOptions): ExtendedSettingsSource[] {
  const config = createStackConfigSource(options.getConfig);
  const hw = createHwEnvironmentSource(options.env);
  const openStack = createNamedEnvironmentSource(options.env, "OpenStack environment variables", OPENSTACK_ENVIRONMENT_NAMES);
  const sdk = createNamedEnvironmentSource(options.env, "Huawei Cloud SDK environment variables", SDK_ENVIRONMENT_NAMES);

  const filePathSetting = firstSet([config, hw], "sharedConfigFile");
  const profileSetting = firstSet([config, hw], "profile");
  const filePath =
    filePathSetting === undefined
      ? path.join(options.homeDirectory, DEFAULT_SHARED_CONFIG_FILE)
      : expandHome(filePathSetting.value, options.homeDirectory);
  const profile = createProfileSource({
    filePath,
    filePathSetting: filePathSetting?.name,
    profileName: profileSetting?.value,
    profileNameSetting: profileSetting?.name,
  });

  return [config, hw, openStack, sdk, profile];
}

function firstSet(sources: readonly ExtendedSettingsSource[], setting: "sharedConfigFile" | "profile"): { value: string; name: string } | undefined {
  for (const source of sources) {
    const value = source.get(setting);
    if (value !== undefined) {
      return { value, name: source.nameOf(setting) ?? setting };
    }
  }
  return undefined;
}

/** Resolves a leading `~` or `~/` against the home directory, as the shell and Terraform do. */
function expandHome(value: string, homeDirectory: string): string {
  if (value === "~") {
    return homeDirectory;
  }
  if (value.startsWith("~/") || value.startsWith(`~${path.sep}`)) {
    return path.join(homeDirectory, value.slice(2));
  }
  return path.resolve(value);
}

/** Prefixes of the environment variables that {@link defaultSources} reads settings from. */
export const SETTINGS_ENVIRONMENT_PREFIXES = ["HW_", "OS_", "HUAWEICLOUD_SDK_"] as const;

/**
 * Returns a copy of `env` without any variable that {@link defaultSources} reads, so that a demo or a
 * test runs on its own settings and never on the user's credentials.
 */
export function withoutSettingsVariables(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(env).filter(([name]) => !SETTINGS_ENVIRONMENT_PREFIXES.some((prefix) => name.startsWith(prefix))));
}
