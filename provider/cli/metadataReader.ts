import { ApiVersion, lookupMetadataKey, readAllMetadata, SharedLookupSettings } from "../client";
import {
  MissingSettingError,
  ResolvedTarget,
  createEnvironmentSource,
  resolveCredentials,
  resolveRetrySettings,
  resolveTarget,
  resolveThroughputSettings,
} from "../settings";
import { AkSkCredentials } from "../signer";
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

const USER_AGENT = `pulumi-ecs-metadata/${(require("../../package.json") as { version: string }).version} ecs-metadata`;

/**
 * Creates a reader for the servers of one location. The target comes from `location` first, then the
 * command-line options, then the `HW_*` environment variables. Credentials, `HW_MAX_RETRIES` and
 * `HW_LOOKUP_TIMEOUT` come from the environment only, and `--timeout` overrides `HW_LOOKUP_TIMEOUT`.
 * Every setting is checked here, so a bad one fails before any request is sent.
 */
export function createEcsMetadataReader(location: ServerLocation, options: CommonOptions, env: NodeJS.ProcessEnv): EcsMetadataReader {
  const target = resolveReaderTarget(location, options, env);
  const credentials = resolveEnvironmentCredentials(env);

  const environment = [createEnvironmentSource(env)];
  const retry = resolveRetrySettings(environment);
  const deadlineMs = options.deadlineMs ?? retry.deadlineMs;
  const settings: SharedLookupSettings = {
    endpoint: target.endpoint,
    credentials,
    maxRetries: retry.maxRetries,
    deadlineMs,
    ...resolveThroughputSettings(environment),
    userAgent: USER_AGENT,
  };

  return {
    target,
    getKey: (serverId, key) => lookupMetadataKey(settings, { apiVersion: target.apiVersion, projectId: target.projectId, serverId, key }),
    getAll: (serverId) => readAllMetadata(settings, { apiVersion: target.apiVersion, projectId: target.projectId, serverId }),
  };
}

function resolveReaderTarget(location: ServerLocation, options: CommonOptions, env: NodeJS.ProcessEnv): ReaderTarget {
  const sources = [createOptionSource(options), createEnvironmentSource(env)];
  try {
    // resolveTarget needs a server id and a key, but the reader takes them per call, so placeholders stand in.
    const resolved = resolveTarget({ serverId: "", key: "", ...location, apiVersion: location.apiVersion ?? options.apiVersion }, sources);
    return { projectId: resolved.projectId, region: resolved.region, endpoint: resolved.endpoint, apiVersion: resolved.apiVersion };
  } catch (error) {
    if (error instanceof MissingSettingError && error.property === "projectId") {
      throw new MissingSettingError(
        "projectId",
        "No project id is set. Pass --project-id, export HW_PROJECT_ID, or set projectId in the expectations file, to the 32-character id of the project that holds the servers.",
      );
    }
    if (error instanceof MissingSettingError && error.property === "region") {
      throw new MissingSettingError(
        "region",
        "No region is set, so the ECS endpoint is unknown. Pass --region (such as cn-north-4) or --endpoint, export HW_REGION_NAME, or set region in the expectations file.",
      );
    }
    throw error;
  }
}

function resolveEnvironmentCredentials(env: NodeJS.ProcessEnv): AkSkCredentials {
  try {
    return resolveCredentials([createEnvironmentSource(env)]);
  } catch (error) {
    if (error instanceof MissingSettingError && error.property === "accessKey") {
      throw new MissingSettingError(
        "accessKey",
        "No Huawei Cloud credentials found in the environment. Export HW_ACCESS_KEY and HW_SECRET_KEY (and HW_SECURITY_TOKEN for temporary credentials); the command takes no secret on its command line.",
      );
    }
    throw error;
  }
}
