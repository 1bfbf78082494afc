import { describeJsonSyntaxError } from "./jsonSyntaxError";
import type { MetadataStore, ServerState } from "./metadataStore";
import {
  MAX_METADATA_ITEMS,
  WRITABLE_SERVER_STATUSES,
  describeJsonType,
  findMetadataPairProblem,
} from "./metadataRules";
import { jsonResponse, novaError, type SimulatorResponse } from "./responses";

/** API versions under which the metadata calls are served; both behave the same. */
export const API_VERSIONS = ["v2", "v2.1"] as const;

/** Metadata call addressed by a request path. */
export interface MetadataRoute {
  /** `item` for `.../metadata/{key}`, `collection` for `.../metadata`. */
  readonly kind: "item" | "collection";
  readonly apiVersion: (typeof API_VERSIONS)[number];
  /** Project id, percent-decoded once. */
  readonly projectId: string;
  /** Server id, percent-decoded once. */
  readonly serverId: string;
  /** Metadata key, percent-decoded once; set only for an `item` route. */
  readonly key?: string;
}

/** Result of {@link matchMetadataRoute}. */
export type RouteMatch =
  | { readonly outcome: "matched"; readonly route: MetadataRoute }
  | { readonly outcome: "unknownRoute" }
  | { readonly outcome: "invalidEncoding"; readonly segment: string };

/** HTTP methods that each kind of route accepts. */
export const ALLOWED_METHODS: Readonly<Record<MetadataRoute["kind"], readonly string[]>> = {
  item: ["GET", "PUT", "DELETE"],
  collection: ["GET", "POST", "PUT"],
};

const WRITABLE_STATUS_LIST = WRITABLE_SERVER_STATUSES.join(", ");

/**
 * Matches a raw request path against `/{v2|v2.1}/{project_id}/servers/{server_id}/metadata[/{key}]`.
 *
 * The path is split on `/` before any decoding, so an encoded `%2F` inside a key stays part of that
 * key, and each variable segment is then percent-decoded once (`a%3Ab` is the key `a:b`).
 */
export function matchMetadataRoute(rawPath: string): RouteMatch {
  const segments = rawPath.split("/");
  if (segments.length !== 6 && segments.length !== 7) {
    return { outcome: "unknownRoute" };
  }

  const [leading, apiVersion, rawProjectId, serversLiteral, rawServerId, metadataLiteral, rawKey] = segments;
  const versionIsKnown = (API_VERSIONS as readonly string[]).includes(apiVersion);
  if (leading !== "" || !versionIsKnown || serversLiteral !== "servers" || metadataLiteral !== "metadata") {
    return { outcome: "unknownRoute" };
  }

  const rawVariables = rawKey === undefined ? [rawProjectId, rawServerId] : [rawProjectId, rawServerId, rawKey];
  if (rawVariables.includes("")) {
    return { outcome: "unknownRoute" };
  }

  const decoded: string[] = [];
  for (const segment of rawVariables) {
    try {
      decoded.push(decodeURIComponent(segment));
    } catch {
      return { outcome: "invalidEncoding", segment };
    }
  }

  const [projectId, serverId, key] = decoded;
  const route: MetadataRoute = {
    kind: key === undefined ? "collection" : "item",
    apiVersion: apiVersion as MetadataRoute["apiVersion"],
    projectId,
    serverId,
    ...(key === undefined ? {} : { key }),
  };
  return { outcome: "matched", route };
}

/**
 * Serves one authenticated metadata call against the store and returns the response to send.
 * The method must be one of {@link ALLOWED_METHODS} for the route's kind.
 *
 * Checks run in Nova's order: the project, then the request body (400), then the server (404),
 * then the server status (409) and last the metadata quota (403).
 */
export function handleMetadataRequest(
  store: MetadataStore,
  route: MetadataRoute,
  method: string,
  body: Uint8Array,
): SimulatorResponse {
  if (!store.hasProject(route.projectId)) {
    return novaError(400, `Malformed request URL: project ${route.projectId} is not in the simulator data file.`);
  }

  if (route.kind === "item") {
    const key = route.key as string;
    switch (method) {
      case "GET":
        return getItem(store, route, key);
      case "PUT":
        return putItem(store, route, key, body);
      case "DELETE":
        return deleteItem(store, route, key);
    }
  } else {
    switch (method) {
      case "GET":
        return getCollection(store, route);
      case "POST":
        return writeCollection(store, route, body, "merge");
      case "PUT":
        return writeCollection(store, route, body, "replace");
    }
  }
  throw new Error(`Method ${method} is not served on a metadata ${route.kind}; check ALLOWED_METHODS before calling.`);
}

function getItem(store: MetadataStore, route: MetadataRoute, key: string): SimulatorResponse {
  const server = store.findServer(route.projectId, route.serverId);
  if (server === undefined) {
    return serverNotFound(route.serverId);
  }

  const value = server.metadata.get(key);
  if (value === undefined) {
    return metadataItemNotFound();
  }
  return jsonResponse(200, { meta: Object.fromEntries([[key, value]]) });
}

function getCollection(store: MetadataStore, route: MetadataRoute): SimulatorResponse {
  const server = store.findServer(route.projectId, route.serverId);
  if (server === undefined) {
    return serverNotFound(route.serverId);
  }
  return jsonResponse(200, { metadata: Object.fromEntries(server.metadata) });
}

function putItem(store: MetadataStore, route: MetadataRoute, key: string, body: Uint8Array): SimulatorResponse {
  const pairs = readMetadataBody(body, "meta");
  if (!(pairs instanceof Map)) {
    return pairs;
  }

  if (pairs.size === 0) {
    return novaError(400, `Invalid request body: "meta" must contain exactly one pair, but it is empty.`);
  }
  if (pairs.size > 1) {
    return novaError(400, `Request body contains too many items: "meta" must contain exactly one pair, but it contains ${pairs.size}.`);
  }
  const [bodyKey, value] = [...pairs][0];
  if (bodyKey !== key) {
    return novaError(400, `Request body and URI mismatch: the URL names key ${JSON.stringify(key)}, the body ${JSON.stringify(bodyKey)}.`);
  }

  const server = store.findServer(route.projectId, route.serverId);
  if (server === undefined) {
    return serverNotFound(route.serverId);
  }
  const stateProblem = checkWritable(server);
  if (stateProblem !== undefined) {
    return stateProblem;
  }

  const newCount = server.metadata.has(key) ? server.metadata.size : server.metadata.size + 1;
  const quotaProblem = checkQuota(server, newCount);
  if (quotaProblem !== undefined) {
    return quotaProblem;
  }

  server.metadata.set(key, value);
  return jsonResponse(200, { meta: Object.fromEntries([[key, value]]) });
}

function writeCollection(
  store: MetadataStore,
  route: MetadataRoute,
  body: Uint8Array,
  mode: "merge" | "replace",
): SimulatorResponse {
  const pairs = readMetadataBody(body, "metadata");
  if (!(pairs instanceof Map)) {
    return pairs;
  }

  const server = store.findServer(route.projectId, route.serverId);
  if (server === undefined) {
    return serverNotFound(route.serverId);
  }
  const stateProblem = checkWritable(server);
  if (stateProblem !== undefined) {
    return stateProblem;
  }

  const result = mode === "merge" ? new Map([...server.metadata, ...pairs]) : pairs;
  const quotaProblem = checkQuota(server, result.size);
  if (quotaProblem !== undefined) {
    return quotaProblem;
  }

  server.metadata.clear();
  for (const [key, value] of result) {
    server.metadata.set(key, value);
  }
  return jsonResponse(200, { metadata: Object.fromEntries(server.metadata) });
}

function deleteItem(store: MetadataStore, route: MetadataRoute, key: string): SimulatorResponse {
  const server = store.findServer(route.projectId, route.serverId);
  if (server === undefined) {
    return serverNotFound(route.serverId);
  }
  if (!server.metadata.has(key)) {
    return metadataItemNotFound();
  }

  const stateProblem = checkWritable(server);
  if (stateProblem !== undefined) {
    return stateProblem;
  }

  server.metadata.delete(key);
  return { status: 204 };
}

/**
 * Parses a write body `{"<wrapper>": {"<key>": "<value>", ...}}` and validates every pair. Returns
 * the pairs, or the 400 response that describes the first problem.
 */
function readMetadataBody(body: Uint8Array, wrapper: "meta" | "metadata"): Map<string, string> | SimulatorResponse {
  const expectedShape = `{"${wrapper}": {"<key>": "<value>"}}`;

  let document: unknown;
  try {
    document = JSON.parse(Buffer.from(body).toString("utf8"));
  } catch (error) {
    return novaError(400, `Malformed request body: invalid JSON (${describeJsonSyntaxError(error)}). Send ${expectedShape}.`);
  }

  if (!isPlainObject(document)) {
    return novaError(400, `Invalid request body: expected ${expectedShape}, got ${describeJsonType(document)}.`);
  }
  const extraFields = Object.keys(document).filter((field) => field !== wrapper);
  if (extraFields.length > 0) {
    return novaError(400, `Invalid request body: unexpected field ${JSON.stringify(extraFields[0])}. Send ${expectedShape}.`);
  }
  const pairs = document[wrapper];
  if (!isPlainObject(pairs)) {
    return novaError(400, `Invalid request body: "${wrapper}" must be an object, got ${describeJsonType(pairs)}. Send ${expectedShape}.`);
  }

  const validPairs = new Map<string, string>();
  for (const [key, value] of Object.entries(pairs)) {
    const problem = findMetadataPairProblem(key, value);
    if (problem !== undefined) {
      return novaError(400, `Invalid metadata ${JSON.stringify(key)}: ${problem}.`);
    }
    validPairs.set(key, value as string);
  }
  return validPairs;
}

function checkWritable(server: ServerState): SimulatorResponse | undefined {
  if (WRITABLE_SERVER_STATUSES.includes(server.status)) {
    return undefined;
  }
  return novaError(
    409,
    `Cannot change the metadata of instance ${server.id} while it is in status ${server.status}; retry when it is one of ${WRITABLE_STATUS_LIST}.`,
  );
}

function checkQuota(server: ServerState, newCount: number): SimulatorResponse | undefined {
  if (newCount <= MAX_METADATA_ITEMS) {
    return undefined;
  }
  return novaError(
    403,
    `Quota exceeded for metadata items: instance ${server.id} would have ${newCount} pairs; the maximum is ${MAX_METADATA_ITEMS}.`,
  );
}

function serverNotFound(serverId: string): SimulatorResponse {
  return novaError(404, `Instance ${serverId} could not be found.`);
}

function metadataItemNotFound(): SimulatorResponse {
  return novaError(404, "Metadata item was not found");
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
