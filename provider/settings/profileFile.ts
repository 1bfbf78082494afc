import { readFileSync } from "node:fs";
import path from "node:path";

import { InvalidInputError } from "../client";
import type { ExtendedSettingName, ExtendedSettingsSource } from "./extendedSources";

/** Path of KooCLI's profile file under the home directory, which terraform-provider-huaweicloud also reads. */
export const DEFAULT_SHARED_CONFIG_FILE = path.join(".hcloud", "config.json");

/**
 * One profile of the shared config file. The field names are KooCLI's, as terraform-provider-huaweicloud
 * reads them (`huaweicloud/config/auth.go`, types `SharedConfig` and `Profile`).
 */
export interface SharedConfigProfile {
  readonly name: string;
  readonly mode?: string;
  readonly accessKeyId?: string;
  readonly secretAccessKey?: string;
  readonly securityToken?: string;
  readonly region?: string;
  readonly projectId?: string;
}

/** Contents of the shared config file: the profile in use and every profile. */
export interface SharedConfig {
  /** Name of the profile KooCLI uses when none is chosen. */
  readonly current?: string;
  readonly profiles: readonly SharedConfigProfile[];
}

/** Location the profile source reads from, with the setting behind each choice, for messages. */
export interface ProfileSourceOptions {
  /** Absolute path of the file. */
  readonly filePath: string;
  /** Setting that chose the path, such as `HW_SHARED_CONFIG_FILE`; `undefined` for the default path, which may be absent. */
  readonly filePathSetting?: string;
  /** Profile name chosen by `huaweicloud:profile` or `HW_PROFILE`; the file's `current` profile when unset. */
  readonly profileName?: string;
  /** Setting that chose the profile name, for messages. */
  readonly profileNameSetting?: string;
}

const PROFILE_FIELDS: Readonly<Partial<Record<ExtendedSettingName, keyof SharedConfigProfile>>> = {
  accessKey: "accessKeyId",
  secretKey: "secretAccessKey",
  securityToken: "securityToken",
  region: "region",
  projectId: "projectId",
};

/**
 * Parses the text of a shared config file. Messages never quote the text, because the file contains
 * secret keys.
 *
 * @throws {@link InvalidInputError} naming the file for text that is not the expected JSON shape.
 */
export function parseSharedConfig(text: string, filePath: string): SharedConfig {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new InvalidInputError("sharedConfigFile", `The shared config file ${filePath} is not valid JSON; fix it with "hcloud configure" or an editor.`);
  }

  const shape = `{"current": "<name>", "profiles": [{"name": "<name>", "accessKeyId": "...", "secretAccessKey": "..."}]}`;
  if (!isObject(parsed) || !Array.isArray(parsed.profiles)) {
    throw new InvalidInputError("sharedConfigFile", `The shared config file ${filePath} has no "profiles" list; KooCLI writes it as ${shape}.`);
  }
  if (parsed.current !== undefined && typeof parsed.current !== "string") {
    throw new InvalidInputError("sharedConfigFile", `The shared config file ${filePath} has a "current" that is not a string.`);
  }

  const profiles = parsed.profiles.map((entry, index) => readProfile(entry, index, filePath));
  return parsed.current === undefined ? { profiles } : { current: parsed.current, profiles };
}

/**
 * Creates the source of one profile of the shared config file. The file is read on the first
 * `get`, and only once. A missing file at the default path leaves the source empty; a missing file
 * that a setting named, or a missing profile, is an error.
 */
export function createProfileSource(options: ProfileSourceOptions): ExtendedSettingsSource {
  let profile: SharedConfigProfile | undefined;
  let loaded = false;
  let profileLabel = options.profileName === undefined ? "the current profile" : `profile "${options.profileName}"`;
  let fileFound = true;

  const load = (): SharedConfigProfile | undefined => {
    if (!loaded) {
      const result = loadProfile(options);
      profile = result.profile;
      fileFound = result.fileFound;
      if (profile !== undefined) {
        profileLabel = `profile "${profile.name}"`;
      }
      loaded = true;
    }
    return profile;
  };

  return {
    get description() {
      const absent = loaded && !fileFound ? ", file not found" : "";
      const mode = profile?.mode !== undefined && profile.accessKeyId === undefined ? `, mode "${profile.mode}" has no access key this package can use` : "";
      return `shared config file ${options.filePath} (${profileLabel}${absent}${mode})`;
    },
    nameOf: (setting) => {
      const field = PROFILE_FIELDS[setting];
      return field === undefined ? undefined : `${field} of ${profileLabel} in ${options.filePath}`;
    },
    get: (setting) => {
      const field = PROFILE_FIELDS[setting];
      if (field === undefined) {
        return undefined;
      }
      const value = load()?.[field];
      return value === undefined || value === "" ? undefined : value;
    },
  };
}

function loadProfile(options: ProfileSourceOptions): { profile?: SharedConfigProfile; fileFound: boolean } {
  let text: string;
  try {
    text = readFileSync(options.filePath, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT" && options.filePathSetting === undefined && options.profileNameSetting === undefined) {
      return { fileFound: false };
    }
    const chosenBy = options.filePathSetting === undefined ? "the default path" : options.filePathSetting;
    const reason = code === "ENOENT" ? "does not exist" : `cannot be read (${code ?? "error"})`;
    throw new InvalidInputError(
      "sharedConfigFile",
      `The shared config file ${options.filePath}, chosen by ${chosenBy}, ${reason}. Create it with "hcloud configure init", or unset ${options.filePathSetting ?? options.profileNameSetting}.`,
    );
  }

  const config = parseSharedConfig(text, options.filePath);
  const name = options.profileName ?? config.current;
  if (name === undefined) {
    throw new InvalidInputError(
      "profile",
      `The shared config file ${options.filePath} names no current profile; set huaweicloud:profile or HW_PROFILE to one of: ${listNames(config)}.`,
    );
  }

  const profile = config.profiles.find((candidate) => candidate.name === name);
  if (profile === undefined) {
    const chosenBy = options.profileNameSetting ?? `"current" in ${options.filePath}`;
    throw new InvalidInputError(
      "profile",
      `Profile "${name}", chosen by ${chosenBy}, is not in the shared config file ${options.filePath}; its profiles are: ${listNames(config)}.`,
    );
  }
  return { profile, fileFound: true };
}

function readProfile(entry: unknown, index: number, filePath: string): SharedConfigProfile {
  if (!isObject(entry) || typeof entry.name !== "string" || entry.name === "") {
    throw new InvalidInputError("sharedConfigFile", `Entry ${index} of "profiles" in the shared config file ${filePath} has no "name".`);
  }

  const profile: Record<string, string> = { name: entry.name };
  for (const field of ["mode", "accessKeyId", "secretAccessKey", "securityToken", "region", "projectId"] as const) {
    const value = entry[field];
    if (value === undefined || value === null || value === "") {
      continue;
    }
    if (typeof value !== "string") {
      throw new InvalidInputError("sharedConfigFile", `Field "${field}" of profile "${entry.name}" in the shared config file ${filePath} is not a string.`);
    }
    profile[field] = value;
  }
  return profile as unknown as SharedConfigProfile;
}

function listNames(config: SharedConfig): string {
  return config.profiles.length === 0 ? "(none)" : config.profiles.map((profile) => `"${profile.name}"`).join(", ");
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
