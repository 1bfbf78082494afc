import os from "node:os";

import { MissingCredentialsError, resolveAuthCredentials } from "../auth/credentials";
import { ApiVersion, InvalidInputError, lookupMetadataKey, readAllMetadata, SharedLookupSettings } from "../client";
import type { DebugLogger } from "../resource/debugLogger";
import { resolveSharedLookupSettings } from "../resource/lookup";
import { MissingSettingError, ResolvedTarget } from "../settings";
import { defaultSources } from "../settings/defaultSources";
import { ExtendedSettingName, ExtendedSettingsSource, findExtendedSetting } from "../settings/extendedSources";
import { CommonOptions, createOptionSource } from "./commonOptions";

/** Reads the metadata of servers in one project through one endpoint; the seam between the command and the ECS client. */
export interface MetadataReader {
  /** Returns the value of one key, or raises `KeyNotFoundError`, `ServerNotFoundError` or another package error. */
  getKey(serverId: string, key: string): Promise<string>;
  /** Returns every pair of a server's metadata. */
  getAll(serverId: string): Promise<Record<string, string>>;
}

/** Location of a server as an expectations file may set it. Each field overrides the command-line option of the same name. */
export interface ServerLocation {
  readonly projectId?: string;
  readonly region?: string;
  readonly endpoint?: string;
  readonly apiVersion?: ApiVersion;
}

/** Project, region, endpoint and API version that a reader sends its requests to. */
export type ReaderTarget = Pick<ResolvedTarget, "projectId" | "region" | "endpoint" | "apiVersion">;

/** {@link MetadataReader} on the clients this process shares, with its resolved target. */
export interface EcsMetadataReader extends MetadataReader {
  readonly target: ReaderTarget;
}

/**
 * Settings sources of one run of the command. Every reader of the run gets the same object, so the
 * library resolves each location once and reads the profile file once.
 */
export interface CommandSources {
  /** The `--region`, `--project-id` and `--endpoint` options, then {@link defaultSources} in its order. */
  readonly all: readonly ExtendedSettingsSource[];
  /** Sources that messages list: every default source but the stack config, which is always empty because the command has no stack. */
  readonly listed: readonly ExtendedSettingsSource[];
  /** Source of one profile of the shared config file `~/.hcloud/config.json`. */
  readonly profile: ExtendedSettingsSource;
  /** Profile name given with `--profile`. */
  readonly profileOption?: string;
  /** Receives warnings such as TLS verification being off, and notes unless `--quiet` is set. */
  readonly logger: DebugLogger & { note(message: string): void };
}

const USER_AGENT = `pulumi-ecs-metadata/${(require("../../package.json") as { version: string }).version} ecs-metadata`;

/** Setting names of each credential mode, in the order the library prefers them within one source. */
const CREDENTIAL_SETTINGS: readonly (readonly ExtendedSettingName[])[] = [["accessKey", "secretKey"], ["token"], ["userName", "password", "domainName"]];

/**
 * Creates the settings sources of one run: the options first, then the sources that the resource and
 * the function read, with no stack config. `--profile` chooses the profile as `HW_PROFILE` would, and
 * wins over it. `~` is `HOME` from `env`, else the user's home directory.
 */
export function createCommandSources(options: CommonOptions, env: NodeJS.ProcessEnv, stderr: (text: string) => void): CommandSources {
  const profileEnv = options.profile === undefined ? env : { ...env, HW_PROFILE: options.profile };
  const homeDirectory = env.HOME !== undefined && env.HOME !== "" ? env.HOME : os.homedir();
  const defaults = defaultSources({ getConfig: () => undefined, env: profileEnv, homeDirectory });

  // defaultSources puts the stack config first and the profile file last.
  const listed = defaults.slice(1);
  const profile = defaults[defaults.length - 1];

  const logger = {
    debug: () => undefined,
    warn: (message: string) => stderr(`ecs-metadata: warning: ${message}\n`),
    note: (message: string) => (options.quiet ? undefined : stderr(`ecs-metadata: note: ${message}\n`)),
  };
  return { all: [createOptionSource(options), ...defaults], listed, profile, profileOption: options.profile, logger };
}

const profileNotesGiven = new WeakSet<CommandSources>();

/**
 * Creates a reader for the servers of one location. Settings resolve as the `ServerMetadataKey`
 * resource resolves them: the target comes from `location` first, then the sources in order, and the
 * credentials, TLS, proxy, retry and throughput settings from the sources. `--timeout` overrides the
 * lookup timeout setting. Every setting is checked here, so a bad one fails before any ECS request.
 * The only requests sent here go to IAM: for a token in the password mode, and for the project id
 * when only a region is set.
 */
export async function createEcsMetadataReader(location: ServerLocation, options: CommonOptions, sources: CommandSources): Promise<EcsMetadataReader> {
  const inputs = {
    // The resolvers need a server id and a key, but the reader takes them per call, so placeholders stand in.
    serverId: "",
    key: "",
    region: location.region,
    projectId: location.projectId,
    endpoint: location.endpoint,
    apiVersion: location.apiVersion ?? options.apiVersion,
  };

  let resolved: Awaited<ReturnType<typeof resolveSharedLookupSettings>>;
  try {
    if (sources.profileOption !== undefined) {
      // Reads the profile file now, so that a missing file or profile fails even when other sources set everything.
      sources.profile.get("region");
    }
    resolved = await resolveSharedLookupSettings(inputs, sources.all, sources.logger);
  } catch (error) {
    throw explainSettingsError(error, location, sources);
  }
  noteShadowedProfile(sources);

  const { target } = resolved;
  const settings: SharedLookupSettings = {
    ...resolved.settings,
    deadlineMs: options.deadlineMs ?? resolved.settings.deadlineMs,
    userAgent: USER_AGENT,
  };

  return {
    target: { projectId: target.projectId, region: target.region, endpoint: target.endpoint, apiVersion: target.apiVersion },
    getKey: (serverId, key) => lookupMetadataKey(settings, { apiVersion: target.apiVersion, projectId: target.projectId, serverId, key }),
    getAll: (serverId) => readAllMetadata(settings, { apiVersion: target.apiVersion, projectId: target.projectId, serverId }),
  };
}

/** Rewrites the library's messages of missing settings in the command's terms: its options, its expectations file and no stack config. */
function explainSettingsError(error: unknown, location: ServerLocation, sources: CommandSources): unknown {
  if (error instanceof MissingSettingError && error.property === "projectId") {
    return new MissingSettingError(
      "projectId",
      `No project id is set. Pass --project-id, set projectId in the expectations file, or set ${placesOf(sources.listed, "projectId")}, ` +
        `to the 32-character id of the project that holds the servers; or set a region (--region, ${placesOf(sources.listed, "region")}), ` +
        "so that the project id is found at IAM.",
    );
  }

  // A region error while no region is set anywhere means the region is missing rather than invalid.
  if (error instanceof InvalidInputError && error.property === "region" && location.region === undefined && findExtendedSetting(sources.all, "region") === undefined) {
    return new MissingSettingError(
      "region",
      "No region is set, so the ECS endpoint is unknown. Pass --region (such as cn-north-4) or --endpoint, set region or endpoint in the expectations file, " +
        `or set ${placesOf(sources.listed, "region")}.`,
    );
  }

  if (error instanceof MissingCredentialsError) {
    return new MissingCredentialsError(
      "accessKey",
      `No Huawei Cloud credentials found. Looked at ${describeCredentialPlaces(sources)}. ` +
        'Export HW_ACCESS_KEY and HW_SECRET_KEY (and HW_SECURITY_TOKEN for temporary credentials), or run "hcloud configure init" to write a profile ' +
        "and choose it with --profile. The command takes no secret on its command line.",
    );
  }

  if (error instanceof InvalidInputError && (error.property === "profile" || error.property === "sharedConfigFile") && sources.profileOption !== undefined) {
    // The command passes --profile to the library as HW_PROFILE, so the library's message names that variable.
    return new InvalidInputError(error.property, error.message.replace(/\bHW_PROFILE\b/g, "--profile"));
  }
  return error;
}

function placesOf(sources: readonly ExtendedSettingsSource[], setting: ExtendedSettingName): string {
  const names = sources.map((source) => source.nameOf(setting)).filter((name): name is string => name !== undefined);
  return names.join(", ");
}

/** Lists each source with the names of the credential sets it may hold, such as `HW_ACCESS_KEY + HW_SECRET_KEY`. */
function describeCredentialPlaces(sources: CommandSources): string {
  const places = sources.listed.map((source) => {
    if (source === sources.profile) {
      // The profile source names each field with the file and profile, which its description already gives.
      return `${source.description}: accessKeyId + secretAccessKey`;
    }
    const sets = CREDENTIAL_SETTINGS.map((settings) => settings.map((setting) => source.nameOf(setting)))
      .filter((names): names is string[] => names.every((name) => name !== undefined))
      .map((names) => names.join(" + "));
    return `${source.description}: ${sets.join(", ")}`;
  });
  return places.join("; ");
}

/**
 * Notes once per run when `--profile` is given but an earlier source sets credentials, because then
 * the library uses those and the profile's credentials are ignored.
 */
function noteShadowedProfile(sources: CommandSources): void {
  if (sources.profileOption === undefined || profileNotesGiven.has(sources)) {
    return;
  }
  profileNotesGiven.add(sources);

  const credentials = resolveAuthCredentials(sources.all);
  const profileDescription = sources.profile.description;
  if (credentials.source !== profileDescription) {
    sources.logger.note(
      `--profile "${sources.profileOption}" is set, but the credentials come from ${credentials.source}, which take precedence over ${profileDescription}. ` +
        "Unset those credentials to use the profile's.",
    );
  }
}
