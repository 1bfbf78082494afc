import { KeyNotFoundError, lookupMetadataKey, SharedLookupSettings } from "../client";
import { resolveCredentials, resolveRetrySettings, resolveTarget, resolveThroughputSettings, SettingsSource } from "../settings";
import type { DebugLogger } from "./debugLogger";
import { ServerMetadataKeyInputs, ServerMetadataKeyOutputs } from "./types";

/** `User-Agent` of every request, so that support can tell this package's calls apart. */
export const USER_AGENT = `pulumi-ecs-metadata/${(require("../../package.json") as { version: string }).version}`;

/** Options of {@link lookupServerMetadataKey}. */
export interface LookupOptions {
  /** Receives the client's line per attempt and one line per lookup; never a value or a credential. */
  readonly logger?: DebugLogger;
}

/**
 * Looks up one metadata key: resolves the target, credentials, retry and throughput settings from the
 * inputs and the sources, reads the value through the clients this process shares (so lookups of one
 * server pending together share one request, within the endpoint's rate limit), and returns it with
 * the resolved target. When the key is missing
 * and `ifMissing` is `"default"`, returns `defaultValue` with `found: false`; every other error,
 * a missing server included, is raised.
 */
export async function lookupServerMetadataKey(
  inputs: ServerMetadataKeyInputs,
  sources: readonly SettingsSource[],
  options: LookupOptions = {},
): Promise<ServerMetadataKeyOutputs> {
  const target = resolveTarget(inputs, sources);
  const settings: SharedLookupSettings = { ...sharedSettingsOf(sources), endpoint: target.endpoint, logger: options.logger };
  const where = `key "${target.key}" of server ${target.serverId} at ${target.endpoint}`;

  let value: string;
  let found = true;
  try {
    value = await lookupMetadataKey(settings, target);
  } catch (error) {
    if (!(error instanceof KeyNotFoundError) || inputs.ifMissing !== "default" || inputs.defaultValue === undefined) {
      options.logger?.debug(`Lookup of ${where} failed: ${(error as Error).name}.`);
      throw error;
    }
    value = inputs.defaultValue;
    found = false;
  }
  options.logger?.debug(found ? `Read ${where}.` : `Found no ${where}; returning defaultValue because ifMissing is "default".`);

  return {
    serverId: target.serverId,
    key: target.key,
    projectId: target.projectId,
    region: target.region,
    endpoint: target.endpoint,
    apiVersion: target.apiVersion,
    secret: inputs.secret ?? false,
    ifMissing: inputs.ifMissing ?? "fail",
    defaultValue: inputs.defaultValue ?? null,
    found,
    value,
  };
}

type SettingsWithoutEndpoint = Omit<SharedLookupSettings, "endpoint" | "logger">;

const sharedSettingsBySources = new WeakMap<readonly SettingsSource[], SettingsWithoutEndpoint>();

/**
 * Resolves the credentials, retry and throughput settings, which do not depend on a lookup's inputs,
 * once per sources array: the provider host keeps one array per configuration, and thousands of
 * lookups then share one result.
 */
function sharedSettingsOf(sources: readonly SettingsSource[]): SettingsWithoutEndpoint {
  let settings = sharedSettingsBySources.get(sources);
  if (settings === undefined) {
    const { maxRetries, deadlineMs } = resolveRetrySettings(sources);
    settings = { credentials: resolveCredentials(sources), maxRetries, deadlineMs, ...resolveThroughputSettings(sources), userAgent: USER_AGENT };
    sharedSettingsBySources.set(sources, settings);
  }
  return settings;
}
