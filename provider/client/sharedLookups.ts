import { createHash } from "node:crypto";
import type http from "node:http";

import { AkSkCredentials } from "../signer";
import { EcsClient, EcsClientLogger, EcsRequestAuthorizer } from "./ecsClient";
import { FailedRequest, KeyNotFoundError } from "./errors";
import { MetadataBatcher, MetadataReader } from "./metadataBatcher";
import { RateLimiter } from "./rateLimiter";
import { buildMetadataUrl, MetadataKeyTarget, ServerTarget } from "./urls";

/** Everything a lookup needs besides its target: endpoint, credentials, retries and throughput limits. */
export interface SharedLookupSettings {
  readonly endpoint: string;
  /** AK/SK credentials; required unless `authorizer` is set. */
  readonly credentials?: AkSkCredentials;
  /** Authentication of the IAM token modes, in place of `credentials`. */
  readonly authorizer?: EcsRequestAuthorizer;
  /** Returns the agent of a request URL, with its TLS and proxy settings. */
  readonly agentFor?: (url: URL) => http.Agent;
  /** Identifies what `authorizer` and `agentFor` depend on (token scope, TLS settings), so that clients that differ are kept apart. */
  readonly clientKey?: string;
  readonly maxRetries?: number;
  readonly deadlineMs?: number;
  readonly maxRequestsPerSecond: number;
  readonly maxConcurrentRequests: number;
  readonly coalesceLookups: boolean;
  readonly userAgent?: string;
  readonly logger?: EcsClientLogger;
}

// The rate limit window is a little longer than a second, so that jitter between a request's start
// here and its arrival at the endpoint cannot put one request too many into any second there.
const RATE_WINDOW_MS = 1050;

const limitersByEndpoint = new Map<string, RateLimiter>();
interface SharedClient {
  readonly client: EcsClient;
  readonly reader: { getMetadataKey(target: MetadataKeyTarget): Promise<string> };
}

const clientsBySettings = new Map<string, SharedClient>();
/** Client of each settings object already seen, so that lookups passing the same object skip the fingerprint. */
let clientsBySettingsObject = new WeakMap<SharedLookupSettings, SharedClient>();

/**
 * Looks up one metadata key through the clients this process shares: one rate limiter per
 * endpoint, and per endpoint and credentials one client and, unless `coalesceLookups` is off, one
 * {@link MetadataBatcher}. Nothing here is serialized; each process builds its own on first use.
 */
export function lookupMetadataKey(settings: SharedLookupSettings, target: MetadataKeyTarget): Promise<string> {
  return sharedClientFor(settings).reader.getMetadataKey(target);
}

/** Reads every metadata pair of a server with `GET .../metadata`, within the endpoint's shared rate limit. */
export function readAllMetadata(settings: SharedLookupSettings, server: ServerTarget): Promise<Record<string, string>> {
  return sharedClientFor(settings).client.getAllMetadata(server);
}

/** Forgets every shared client and limiter, for tests that change settings within one process. */
export function resetSharedLookups(): void {
  limitersByEndpoint.clear();
  clientsBySettings.clear();
  clientsBySettingsObject = new WeakMap();
}

function sharedClientFor(settings: SharedLookupSettings): SharedClient {
  const known = clientsBySettingsObject.get(settings);
  if (known !== undefined) {
    return known;
  }
  const clientKey = fingerprint([
    settings.endpoint,
    settings.credentials?.accessKey ?? "",
    settings.credentials?.secretKey ?? "",
    settings.credentials?.securityToken ?? "",
    settings.authorizer?.principal ?? "",
    settings.clientKey ?? "",
    String(settings.maxRetries),
    String(settings.deadlineMs),
    String(settings.maxRequestsPerSecond),
    String(settings.maxConcurrentRequests),
    String(settings.coalesceLookups),
  ]);
  let shared = clientsBySettings.get(clientKey);
  if (!shared) {
    const client = new EcsClient({
      endpoint: settings.endpoint,
      credentials: settings.credentials,
      authorizer: settings.authorizer,
      agentFor: settings.agentFor,
      maxRetries: settings.maxRetries,
      deadlineMs: settings.deadlineMs,
      userAgent: settings.userAgent,
      logger: settings.logger,
      limiter: limiterFor(settings),
    });
    const reader = settings.coalesceLookups ? new MetadataBatcher(batchingReaderOf(client, settings.endpoint)) : client;
    shared = { client, reader };
    clientsBySettings.set(clientKey, shared);
  }
  clientsBySettingsObject.set(settings, shared);
  return shared;
}

function limiterFor(settings: SharedLookupSettings): RateLimiter {
  const limiterKey = `${new URL(settings.endpoint).origin}\n${settings.maxRequestsPerSecond}\n${settings.maxConcurrentRequests}`;
  let limiter = limitersByEndpoint.get(limiterKey);
  if (!limiter) {
    limiter = new RateLimiter({
      maxRequestsPerWindow: settings.maxRequestsPerSecond,
      windowMs: RATE_WINDOW_MS,
      maxConcurrent: settings.maxConcurrentRequests,
    });
    limitersByEndpoint.set(limiterKey, limiter);
  }
  return limiter;
}

/** Adapts an {@link EcsClient} to the batcher, with single-key errors for keys missing from a map. */
function batchingReaderOf(client: EcsClient, endpoint: string): MetadataReader {
  return {
    getMetadataKey: (target) => client.getMetadataKey(target),
    getAllMetadata: (server) => client.getAllMetadataWithRequestId(server),
    keyNotFoundError: (target, requestId) => keyNotFoundError(endpoint, target, requestId),
    sharedRequestError: (error, target) => withKeyInMessage(error, target),
  };
}

/**
 * Builds the error of a key missing from a server's full metadata: the same {@link KeyNotFoundError}
 * class as a single-key `GET` raises, with a message about the request that was really sent.
 */
function keyNotFoundError(endpoint: string, target: MetadataKeyTarget, requestId: string | undefined): Error {
  const url = buildMetadataUrl(endpoint, target);
  const request: FailedRequest = { method: "GET", path: url.pathname, endpoint: url.origin };
  const error = new KeyNotFoundError(request, { status: 200, requestId }, "");
  error.message =
    `Server ${target.serverId} has no metadata key "${target.key}": GET ${url.href} (request id ${requestId ?? "none"}) ` +
    "returned the server's metadata without it. Check the key's spelling and letter case, or set the key on the server.";
  return error;
}

/** Copies an error of a shared request, keeping its class and fields, with the waiting lookup's key in the message. */
function withKeyInMessage(error: unknown, target: MetadataKeyTarget): unknown {
  if (!(error instanceof Error)) {
    return error;
  }
  const copy = Object.assign(Object.create(Object.getPrototypeOf(error) as object) as Error, error);
  copy.message = `Lookup of key "${target.key}" of server ${target.serverId} shared one GET .../metadata with other keys, which failed: ${error.message}`;
  copy.stack = `${copy.name}: ${copy.message}`;
  return copy;
}

function fingerprint(parts: string[]): string {
  return createHash("sha256").update(parts.join("\n")).digest("hex");
}
