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
 * Looks up one metadata key: resolves the target, credentials, retry and throughput settings from the
 * inputs and the sources, reads the value through the clients this process shares (so lookups of one
 * server pending together share one request, within the endpoint's rate limit), and returns it with
 * the resolved target. When the key is missing
 * and `ifMissing` is `"default"`, returns `defaultValue` with `found: false`; every other error,
 * a missing server included, is raised.
 */
export async function lookupServerMetadataKey(
  inputs: ServerMetadataKeyInputs,
  sources: readonly ExtendedSettingsSource[],
  options: LookupOptions = {},
): Promise<ServerMetadataKeyOutputs> {
  const { target, settings } = await resolveSharedLookupSettings(inputs, sources, options.logger);
  const where = () => `key "${target.key}" of server ${target.serverId} at ${target.endpoint}`;

  let value: string;
  let found = true;
  try {
    value = await lookupMetadataKey(settings, target);
  } catch (error) {
    if (!(error instanceof KeyNotFoundError) || inputs.ifMissing !== "default" || inputs.defaultValue === undefined) {
      options.logger?.debug(`Lookup of ${where()} failed: ${(error as Error).name}.`);
      throw error;
    }
    value = inputs.defaultValue;
    found = false;
  }
  options.logger?.debug(found ? `Read ${where()}.` : `Found no ${where()}; returning defaultValue because ifMissing is "default".`);

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
  const authLogger = authLoggerOf(logger);
  const target = await cachedTargetOf(inputs, sources, authLogger);
  const settings: SharedLookupSettings = {
    ...sharedSettingsOf(sources),
    ...(await cachedAuthSettingsOf(target, sources, authLogger)),
    endpoint: target.endpoint,
    logger,
  };
  return { target, settings };
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

const locationsBySources = new WeakMap<readonly SettingsSource[], Map<string, Promise<ResolvedTarget>>>();

/**
 * Resolves the target of a lookup. The project id, region and endpoint depend only on the inputs that
 * choose them and on the sources, so they are resolved once per combination (a project id lookup at
 * IAM included) and shared by every lookup with the same combination; a failure is not kept.
 */
async function cachedTargetOf(inputs: TargetInputs, sources: readonly ExtendedSettingsSource[], logger: AuthLogger): Promise<ResolvedTarget> {
  let byLocation = locationsBySources.get(sources);
  if (byLocation === undefined) {
    byLocation = new Map();
    locationsBySources.set(sources, byLocation);
  }

  const location = [inputs.region, inputs.projectId, inputs.endpoint, inputs.apiVersion].map((part) => part ?? "").join("\n");
  let resolved = byLocation.get(location);
  if (resolved === undefined) {
    resolved = resolveLookupTarget(inputs, sources, { logger });
    byLocation.set(location, resolved);
    resolved.catch(() => byLocation.delete(location));
  }

  const shared = await resolved;
  return { ...shared, serverId: inputs.serverId, key: inputs.key };
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
