import { createHash } from "node:crypto";

import { getConnectionAgent } from "../auth/connection";
import { resolveLookupAuth, resolveLookupTarget } from "../auth/lookupAuth";
import { KeyNotFoundError, lookupMetadataKey, SharedLookupSettings } from "../client";
import { resolveRetrySettings, resolveThroughputSettings, SettingsSource } from "../settings";
import type { ExtendedSettingsSource } from "../settings/extendedSources";
import type { ResolvedTarget, TargetInputs } from "../settings/resolveLookup";
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
 * Looks up one metadata key and returns it with the resolved target. The target, credentials, retry
 * and throughput settings come from the inputs and the sources. The value is read through the clients
 * this process shares, so lookups of one server pending together share one request within the
 * endpoint's rate limit. When the key is missing and `ifMissing` is `"default"`, the result is
 * `defaultValue` with `found: false`. Every other error, a missing server included, is raised.
 */
export async function lookupServerMetadataKey(
  inputs: ServerMetadataKeyInputs,
  sources: readonly ExtendedSettingsSource[],
  options: LookupOptions = {},
): Promise<ServerMetadataKeyOutputs> {
  // Once the location is resolved, the lookup takes it without an await, so thousands of lookups
  // issued together hold no suspended frames or promises of their own on the way to the shared client.
  const location = cachedLocationOf(inputs, sources, options.logger);
  const shared = location.resolved ?? (await location.promise);
  const target: ResolvedTarget = { ...shared.target, serverId: inputs.serverId, key: inputs.key };
  const settings = settingsFor(shared, options.logger);

  let value: string;
  let found = true;
  try {
    value = await lookupMetadataKey(settings, target);
  } catch (error) {
    if (!(error instanceof KeyNotFoundError) || inputs.ifMissing !== "default" || inputs.defaultValue === undefined) {
      options.logger?.debug(`Lookup of ${describeLookup(target)} failed: ${(error as Error).name}.`);
      throw error;
    }
    value = inputs.defaultValue;
    found = false;
  }
  options.logger?.debug(found ? `Read ${describeLookup(target)}.` : `Found no ${describeLookup(target)}; returning defaultValue because ifMissing is "default".`);

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

/** Returns the lookup's part of a log line, built only when a line is written rather than held by each lookup in flight. */
function describeLookup(target: ResolvedTarget): string {
  return `key "${target.key}" of server ${target.serverId} at ${target.endpoint}`;
}

/** Target of a lookup and the settings of the shared clients that send it. */
export interface ResolvedLookupSettings {
  readonly target: ResolvedTarget;
  readonly settings: SharedLookupSettings;
}

/**
 * Resolves the target, credentials, TLS and proxy settings, retry and throughput settings of a lookup
 * from its inputs and the sources, as {@link lookupServerMetadataKey} does. Every setting is checked
 * here. The only requests sent go to IAM: for a token in the password mode, and for the project id
 * when none is set. Results are kept per sources array and location, so pass the same array each time.
 */
export async function resolveSharedLookupSettings(
  inputs: TargetInputs,
  sources: readonly ExtendedSettingsSource[],
  logger?: DebugLogger,
): Promise<ResolvedLookupSettings> {
  const location = cachedLocationOf(inputs, sources, logger);
  const shared = location.resolved ?? (await location.promise);
  return { target: { ...shared.target, serverId: inputs.serverId, key: inputs.key }, settings: settingsFor(shared, logger) };
}

/** Part of a lookup that every lookup of one location shares: the target without server and key, and the settings. */
interface SharedLocation {
  readonly target: ResolvedTarget;
  readonly common: SettingsWithoutEndpoint;
  readonly auth: AuthSettings;
  /** Settings last built by {@link settingsFor}, kept with the logger they hold. */
  lastSettings?: SharedLookupSettings;
  lastLogger?: DebugLogger;
}

/** Resolution of one location: the promise, and its result once it has arrived. */
interface LocationEntry {
  readonly promise: Promise<SharedLocation>;
  resolved?: SharedLocation;
}

const sharedLocationsBySources = new WeakMap<readonly SettingsSource[], Map<string, LocationEntry>>();

/**
 * Returns the resolution of the location that the inputs choose. It starts once per sources array and
 * combination of region, project id, endpoint and API version. A failure is not kept, so the next lookup tries again.
 */
function cachedLocationOf(inputs: TargetInputs, sources: readonly ExtendedSettingsSource[], logger: DebugLogger | undefined): LocationEntry {
  let byLocation = sharedLocationsBySources.get(sources);
  if (byLocation === undefined) {
    byLocation = new Map();
    sharedLocationsBySources.set(sources, byLocation);
  }

  const key = `${inputs.region ?? ""}\n${inputs.projectId ?? ""}\n${inputs.endpoint ?? ""}\n${inputs.apiVersion ?? ""}`;
  let entry = byLocation.get(key);
  if (entry === undefined) {
    const authLogger = authLoggerOf(logger);
    // The order of the checks is that of one lookup: the target, then the retry and throughput settings, then auth.
    const promise = resolveLookupTarget(inputs, sources, { logger: authLogger }).then(async (target) => {
      const common = sharedSettingsOf(sources);
      return { target, common, auth: await cachedAuthSettingsOf(target, sources, authLogger) };
    });
    const created: LocationEntry = { promise };
    entry = created;
    byLocation.set(key, created);
    promise.then(
      (resolved) => {
        created.resolved = resolved;
      },
      () => byLocation.delete(key),
    );
  }
  return entry;
}

/** Returns the settings of the shared clients of a location, one object per logger rather than one per lookup. */
function settingsFor(shared: SharedLocation, logger: DebugLogger | undefined): SharedLookupSettings {
  if (shared.lastSettings !== undefined && shared.lastLogger === logger) {
    return shared.lastSettings;
  }
  const settings: SharedLookupSettings = { ...shared.common, ...shared.auth, endpoint: shared.target.endpoint, logger };
  shared.lastSettings = settings;
  shared.lastLogger = logger;
  return settings;
}

type SettingsWithoutEndpoint = Omit<SharedLookupSettings, "endpoint" | "logger" | "credentials" | "authorizer" | "agentFor" | "clientKey">;

const sharedSettingsBySources = new WeakMap<readonly SettingsSource[], SettingsWithoutEndpoint>();

type AuthLogger = { debug(message: string): void; warn(message: string): void };

const silentAuthLogger: AuthLogger = { debug: () => undefined, warn: () => undefined };
const authLoggers = new WeakMap<DebugLogger, AuthLogger>();

/** Returns the logger that settings resolution uses, one per debug logger rather than one per lookup. */
function authLoggerOf(logger: DebugLogger | undefined): AuthLogger {
  if (logger === undefined) {
    return silentAuthLogger;
  }
  let authLogger = authLoggers.get(logger);
  if (authLogger === undefined) {
    authLogger = { debug: (message) => logger.debug(message), warn: (message) => (logger.warn ?? logger.debug).call(logger, message) };
    authLoggers.set(logger, authLogger);
  }
  return authLogger;
}

type AuthSettings = Pick<SharedLookupSettings, "credentials" | "authorizer" | "agentFor" | "clientKey">;

const authSettingsBySources = new WeakMap<readonly SettingsSource[], Map<string, Promise<AuthSettings>>>();

/**
 * Returns {@link authSettingsOf} once per sources array and target location, so that the lookups of
 * one provider host share one resolution (and one read of a CA file or profile file) instead of
 * repeating it per lookup. A failed resolution is not kept, so the next lookup tries again.
 */
function cachedAuthSettingsOf(
  target: ResolvedTarget,
  sources: readonly ExtendedSettingsSource[],
  logger: AuthLogger,
): Promise<AuthSettings> {
  let byLocation = authSettingsBySources.get(sources);
  if (byLocation === undefined) {
    byLocation = new Map();
    authSettingsBySources.set(sources, byLocation);
  }

  const location = `${target.region ?? ""}\n${target.projectId}\n${target.endpoint}`;
  let settings = byLocation.get(location);
  if (settings === undefined) {
    settings = authSettingsOf(target, sources, logger);
    byLocation.set(location, settings);
    settings.catch(() => byLocation.delete(location));
  }
  return settings;
}

/**
 * Resolves the credentials (AK/SK, or an authorizer for the IAM token modes) and the TLS and proxy
 * settings of one lookup. AK/SK go to the client as they are, so its errors name the access key id.
 */
async function authSettingsOf(
  target: ResolvedTarget,
  sources: readonly ExtendedSettingsSource[],
  logger: { debug(message: string): void; warn(message: string): void },
): Promise<AuthSettings> {
  const auth = await resolveLookupAuth({ region: target.region ?? undefined, projectId: target.projectId, endpoint: target.endpoint }, sources, { logger });
  const connection = auth.connection;
  const agentFor = (url: URL) => getConnectionAgent(url, connection);
  const tls = `${connection.insecure}|${connection.caBundle === undefined ? "" : createHash("sha256").update(connection.caBundle).digest("hex")}`;

  if (auth.credentials.kind === "accessKey") {
    const { accessKey, secretKey, securityToken } = auth.credentials;
    return { credentials: securityToken === undefined ? { accessKey, secretKey } : { accessKey, secretKey, securityToken }, agentFor, clientKey: tls };
  }
  // A token is scoped to the project, so clients of other projects are kept apart.
  return { authorizer: auth.authorizer, agentFor, clientKey: `${tls}|${target.projectId}` };
}

/**
 * Resolves the retry and throughput settings, which do not depend on a lookup's inputs,
 * once per sources array: the provider host keeps one array per configuration, and thousands of
 * lookups then share one result.
 */
function sharedSettingsOf(sources: readonly SettingsSource[]): SettingsWithoutEndpoint {
  let settings = sharedSettingsBySources.get(sources);
  if (settings === undefined) {
    const { maxRetries, deadlineMs } = resolveRetrySettings(sources);
    settings = { maxRetries, deadlineMs, ...resolveThroughputSettings(sources), userAgent: USER_AGENT };
    sharedSettingsBySources.set(sources, settings);
  }
  return settings;
}
