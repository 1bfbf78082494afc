import { randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { createServer as createTlsServer } from "node:https";
import type { AddressInfo } from "node:net";
import { performance } from "node:perf_hooks";
import { setTimeout as delay } from "node:timers/promises";

import { ADMIN_PATH_PREFIX, handleAdminRequest, type AdminResponse } from "./adminRoutes";
import { SimulatorDataError, type SimulatorData } from "./dataFile";
import { authenticateIamOrEcsRequest, handleIamRequest, isIamPath, type SimulatorIamUser } from "./iamRoutes";
import type { SimulatorTls } from "./iamServer";
import { IamTokenRegistry } from "./iamTokens";
import { FaultInjector, type ChosenFault, type FaultRuleState } from "./faultInjector";
import { MAX_FAULT_DELAY_MS, readFaultRules, type FaultRule } from "./faultRules";
import { MetadataStore } from "./metadataStore";
import { ALLOWED_METHODS, handleMetadataRequest, matchMetadataRoute } from "./metadataRoutes";
import type { ServerStatus } from "./metadataRules";
import {
  GATEWAY_API_NOT_FOUND,
  GATEWAY_AUTH_FAILED,
  gatewayError,
  novaError,
  type SimulatorResponse,
} from "./responses";
import { verifyRequestSignature, type ReceivedRequest } from "./verifySignature";

/** Options of {@link startSimulator}. */
export interface SimulatorOptions {
  /** Credentials, projects and servers to serve, usually from {@link loadSimulatorData}; the simulator works on a copy. */
  readonly data: SimulatorData;
  /** Address to listen on; `127.0.0.1` unless set. */
  readonly host?: string;
  /** TCP port to listen on; `0`, the default, lets the system pick a free port. */
  readonly port?: number;
  /** Delay added before every response, in milliseconds; `0` unless set. */
  readonly latencyMs?: number;
  /** Clock that `X-Sdk-Date` is checked against; the system clock unless set. */
  readonly now?: () => Date;
  /** Receives one line per request and one per internal error; nothing is logged unless set. */
  readonly log?: (line: string) => void;
  /** Random number in [0, 1) for the draws of fault rules with a `probability`; `Math.random` unless set. */
  readonly random?: () => number;
  /**
   * Serves the IAM calls (`POST /v3/auth/tokens`, `GET /v3/projects`) on the same port when set, and
   * accepts the tokens they issue as `X-Auth-Token` on the metadata calls.
   */
  readonly iam?: {
    /** IAM users accepted for password authentication. */
    readonly users?: readonly SimulatorIamUser[];
    /** Lifetime of issued tokens in milliseconds; 24 hours unless set. */
    readonly tokenLifetimeMs?: number;
  };
  /** Serves HTTPS with this certificate when set, such as one from {@link generateSelfSignedCertificate}; plain HTTP otherwise. */
  readonly tls?: SimulatorTls;
}

/** Entry of {@link RunningSimulator.requests}. It contains no secret key, signature or token. */
export interface RecordedRequest {
  /** HTTP method as received. */
  readonly method: string;
  /** Path as received on the request line, still percent-encoded and without the query. */
  readonly path: string;
  /**
   * Status code of the response; 0 when a `reset` fault closed the connection without one, or when
   * sending failed after the headers had gone out. 500 when sending failed before that.
   */
  readonly status: number;
  /** Access key id named in `Authorization`, whether or not authentication succeeded; absent when none could be read. */
  readonly accessKey?: string;
  /** Value of the `X-Request-Id` response header; also set when a fault sent no response. */
  readonly requestId: string;
  /** Fault applied, as `<rule name>: <action>`, such as `fault 0: reset`; absent when none was. */
  readonly fault?: string;
}

/** Simulator listening on a local port, returned by {@link startSimulator}. */
export interface RunningSimulator {
  /** Base URL without a trailing slash, such as `http://127.0.0.1:40123`. */
  readonly url: string;
  /** TCP port the simulator listens on. */
  readonly port: number;
  /** Tokens the IAM calls issued, when `iam` is set; `expireAll()` makes the next metadata call get 401 `APIGW.0307`. */
  readonly iamTokens?: IamTokenRegistry;
  /** Requests received so far, oldest first; an entry is added when its response is sent. */
  readonly requests: readonly RecordedRequest[];
  /** Number of entries in {@link RunningSimulator.requests}. */
  readonly requestCount: number;
  /** Empties {@link RunningSimulator.requests}. */
  clearRequests(): void;
  /**
   * Sets one metadata pair directly, skipping the API's checks of key, value, quota and server status.
   *
   * @throws Error when the project or server is not in the data.
   */
  setMetadata(projectId: string, serverId: string, key: string, value: string): void;
  /**
   * Deletes one metadata pair directly and returns whether it existed.
   *
   * @throws Error when the project or server is not in the data.
   */
  deleteMetadata(projectId: string, serverId: string, key: string): boolean;
  /**
   * Returns a copy of a server's metadata.
   *
   * @throws Error when the project or server is not in the data.
   */
  getMetadata(projectId: string, serverId: string): Record<string, string>;
  /**
   * Changes a server's status, for example to `BUILD` to test the 409 of writes.
   *
   * @throws Error when the project or server is not in the data.
   */
  setServerStatus(projectId: string, serverId: string, status: ServerStatus): void;
  /**
   * Adds fault rules after the existing ones; the README's "Fault injection" section describes them.
   *
   * @throws {@link SimulatorDataError} listing every problem when a rule is invalid; then no rule is added.
   */
  addFaults(rules: readonly FaultRule[]): void;
  /** Removes every fault rule, including those from the data file. */
  clearFaults(): void;
  /** Returns a copy of every fault rule with how far it has got. */
  listFaults(): FaultRuleState[];
  /** Stops accepting connections, lets requests in progress finish, and resolves once the server is closed. */
  close(): Promise<void>;
}

/**
 * Largest request body the simulator reads, in bytes. A metadata body with 128 pairs of maximum
 * length stays well below it.
 */
export const MAX_REQUEST_BODY_BYTES = 1024 * 1024;

/**
 * Largest `latencyMs`, in milliseconds (ten minutes), the same as a fault step's `delayMs`. Node runs
 * a timer of more than 2^31-1 ms after 1 ms instead, so a larger value would silently mean no delay.
 */
export const MAX_LATENCY_MS = MAX_FAULT_DELAY_MS;

/**
 * Starts an HTTP server that serves the Nova-compatible server metadata calls of Huawei Cloud ECS
 * on `/v2` and `/v2.1`, with AK/SK signature checks, from an in-memory copy of `options.data`.
 *
 * @throws RangeError for a port or latency that is not a whole number in range, {@link SimulatorDataError}
 * for invalid fault rules in `options.data`, and rejects when the port cannot be bound.
 */
export async function startSimulator(options: SimulatorOptions): Promise<RunningSimulator> {
  const host = options.host ?? "127.0.0.1";
  const port = options.port ?? 0;
  const latencyMs = options.latencyMs ?? 0;
  validateOptionNumber("port", port, 65535);
  validateOptionNumber("latencyMs", latencyMs, MAX_LATENCY_MS);

  const store = new MetadataStore(structuredClone(options.data));
  const faults = new FaultInjector(options.random ?? Math.random);
  faults.add(validateFaultRules(options.data.faults ?? [], "data.faults"));
  const requests: RecordedRequest[] = [];
  const now = options.now ?? (() => new Date());
  const context: RequestContext = {
    store,
    faults,
    ...(options.iam === undefined
      ? {}
      : {
          iam: {
            users: options.iam.users ?? [],
            projects: options.data.projects.map((project) => ({ id: project.id, name: project.region })),
            tokens: new IamTokenRegistry(now, options.iam.tokenLifetimeMs),
            findCredential: (accessKey: string) => store.findCredential(accessKey),
            now,
          },
        }),
    latencyMs,
    now,
    log: options.log ?? (() => undefined),
    record: (entry) => requests.push(entry),
    closing: false,
  };

  const handler = (request: IncomingMessage, response: ServerResponse): void => {
    serveRequest(context, request, response).catch((error: unknown) => {
      context.log(`${request.method} ${request.url} failed: ${describeErrorOnOneLine(error)}`);
      sendInternalError(response, randomBytes(16).toString("hex"));
    });
  };
  const server = options.tls === undefined ? createServer(handler) : createTlsServer({ cert: options.tls.cert, key: options.tls.key }, handler);
  const boundPort = await listen(server, host, port);
  const url = `${options.tls === undefined ? "http" : "https"}://${host.includes(":") ? `[${host}]` : host}:${boundPort}`;

  let closed: Promise<void> | undefined;
  return {
    url,
    port: boundPort,
    ...(context.iam === undefined ? {} : { iamTokens: context.iam.tokens }),
    requests,
    get requestCount() {
      return requests.length;
    },
    clearRequests: () => {
      requests.length = 0;
    },
    setMetadata: (projectId, serverId, key, value) => {
      store.getServer(projectId, serverId).metadata.set(key, value);
    },
    deleteMetadata: (projectId, serverId, key) => store.getServer(projectId, serverId).metadata.delete(key),
    getMetadata: (projectId, serverId) => Object.fromEntries(store.getServer(projectId, serverId).metadata),
    setServerStatus: (projectId, serverId, status) => {
      store.getServer(projectId, serverId).status = status;
    },
    addFaults: (rules) => {
      faults.add(validateFaultRules(rules, "addFaults"));
    },
    clearFaults: () => faults.clear(),
    listFaults: () => faults.list(),
    close: () => {
      closed ??= closeServer(server, context);
      return closed;
    },
  };
}

interface RequestContext {
  readonly store: MetadataStore;
  /** State of the IAM calls, when the simulator serves them. */
  readonly iam?: Parameters<typeof handleIamRequest>[0];
  readonly faults: FaultInjector;
  readonly latencyMs: number;
  readonly now: () => Date;
  readonly log: (line: string) => void;
  readonly record: (entry: RecordedRequest) => void;
  /** Set by `close()`, so responses in progress close their connection. */
  closing: boolean;
}

/** Outcome of one request before it is sent. */
interface Outcome {
  readonly response: SimulatorResponse;
  readonly accessKey?: string;
}

async function serveRequest(context: RequestContext, request: IncomingMessage, response: ServerResponse): Promise<void> {
  const startedAt = performance.now();
  const requestId = randomBytes(16).toString("hex");
  const method = request.method ?? "";
  const target = request.url ?? "";
  const queryStart = target.indexOf("?");
  const rawPath = queryStart === -1 ? target : target.slice(0, queryStart);
  const rawQuery = queryStart === -1 ? "" : target.slice(queryStart + 1);

  const body = await readBody(request).catch((error: unknown) => {
    context.log(`${method} ${rawPath} failed to read the request body, request_id=${requestId}: ${String(error)}`);
    return new Uint8Array();
  });

  if (rawPath.startsWith(ADMIN_PATH_PREFIX)) {
    const admin = handleAdminRequest(context.faults, method, rawPath, body ?? new Uint8Array(), request.socket.remoteAddress);
    const status = sendOrFail(context, response, admin.status, requestId, `${method} ${rawPath}`, () => sendAdminResponse(response, admin));
    context.log(`${method} ${rawPath} ${status} (admin call)`);
    return;
  }

  const match = matchMetadataRoute(rawPath);
  const fault = context.faults.choose({ method, route: match.outcome === "matched" ? match.route : undefined });
  const faultDelayMs = fault?.step.delayMs ?? 0;
  if (faultDelayMs > 0) {
    // An unreferenced timer, so a delay still running when the caller is done does not keep the process alive.
    await delay(faultDelayMs, undefined, { ref: false });
  }

  if (fault?.step.action === "reset") {
    request.socket.destroy();
    finishRecord(context, { method, rawPath, status: 0, requestId, fault, startedAt, errorMessage: "connection reset by a fault" });
    return;
  }

  let outcome: Outcome;
  if (fault?.step.action === "respond") {
    outcome = { response: scriptedResponse(fault) };
  } else {
    try {
      outcome =
        body === undefined
          ? { response: novaError(413, `Request body is larger than ${MAX_REQUEST_BODY_BYTES} bytes.`) }
          : respond(context, { method, rawPath, rawQuery, headers: request.headers, body }, requestId);
    } catch (error) {
      context.log(`${method} ${rawPath} failed, request_id=${requestId}: ${(error as Error).stack ?? String(error)}`);
      outcome = { response: novaError(500, `Internal simulator error; see the simulator log for request id ${requestId}.`) };
    }
  }

  if (context.latencyMs > 0) {
    await delay(context.latencyMs);
  }
  const truncateAt = fault?.step.action === "truncate" ? (fault.step.bytes ?? -1) : undefined;
  const status = sendOrFail(context, response, outcome.response.status, requestId, `${method} ${rawPath}`, () =>
    sendResponse(response, outcome.response, requestId, context.closing, truncateAt),
  );

  finishRecord(context, {
    method,
    rawPath,
    status,
    requestId,
    fault,
    startedAt,
    accessKey: outcome.accessKey,
    errorMessage: status === outcome.response.status ? outcome.response.errorMessage : "failed to send the response; see the line before",
  });
}

/** Adds a request to the record and writes its log line. */
function finishRecord(
  context: RequestContext,
  entry: {
    method: string;
    rawPath: string;
    status: number;
    requestId: string;
    startedAt: number;
    fault?: ChosenFault;
    accessKey?: string;
    errorMessage?: string;
  },
): void {
  const faultText = entry.fault === undefined ? undefined : `${entry.fault.ruleName}: ${entry.fault.step.action}`;
  context.record({
    method: entry.method,
    path: entry.rawPath,
    status: entry.status,
    requestId: entry.requestId,
    ...(entry.accessKey === undefined ? {} : { accessKey: entry.accessKey }),
    ...(faultText === undefined ? {} : { fault: faultText }),
  });

  const elapsedMs = Math.round(performance.now() - entry.startedAt);
  const faultPart = faultText === undefined ? "" : ` fault=${JSON.stringify(faultText)}`;
  const errorPart = entry.errorMessage === undefined ? "" : ` error=${JSON.stringify(entry.errorMessage)}`;
  context.log(`${entry.method} ${entry.rawPath} ${entry.status} request_id=${entry.requestId} ${elapsedMs}ms${faultPart}${errorPart}`);
}

/** Builds the response of a `respond` fault step. */
function scriptedResponse(fault: ChosenFault): SimulatorResponse {
  const step = fault.step;
  const status = step.status as number;
  const errorMessage = status >= 400 ? `scripted ${status} from ${fault.ruleName}` : undefined;
  const headers = step.headers ?? {};

  if (typeof step.body === "string") {
    const hasContentType = Object.keys(headers).some((name) => name.toLowerCase() === "content-type");
    return { status, rawBody: step.body, headers: hasContentType ? headers : { ...headers, "Content-Type": "text/html; charset=utf-8" }, errorMessage };
  }
  return { status, body: step.body, headers, errorMessage };
}

/**
 * Runs `send` and returns `status`. When `send` throws, for example because Node rejects a header,
 * logs one line and sends a 500 in place of the response (or destroys the socket when the headers
 * have already gone out), so the client is never left waiting. Returns the status actually sent then.
 */
function sendOrFail(context: RequestContext, response: ServerResponse, status: number, requestId: string, label: string, send: () => void): number {
  try {
    send();
    return status;
  } catch (error) {
    context.log(`${label} failed to send the ${status} response, request_id=${requestId}: ${describeErrorOnOneLine(error)}`);
    return sendInternalError(response, requestId);
  }
}

/** Sends a bare 500 if no header has gone out yet, or destroys the socket; returns 500 or 0 for a destroyed socket. */
function sendInternalError(response: ServerResponse, requestId: string): number {
  if (response.headersSent || response.writableEnded || response.destroyed) {
    response.destroy();
    return 0;
  }

  try {
    for (const name of response.getHeaderNames()) {
      response.removeHeader(name);
    }
    const text = JSON.stringify(novaError(500, `Internal simulator error; see the simulator log for request id ${requestId}.`).body);
    response.statusCode = 500;
    response.setHeader("X-Request-Id", requestId);
    response.setHeader("Content-Type", "application/json");
    response.setHeader("Content-Length", Buffer.byteLength(text));
    response.setHeader("Connection", "close");
    response.end(text);
    return 500;
  } catch {
    response.destroy();
    return 0;
  }
}

/** Formats an error as one log line: its code, if any, and its message with line breaks replaced. */
function describeErrorOnOneLine(error: unknown): string {
  const code = (error as { code?: unknown } | undefined)?.code;
  const message = error instanceof Error ? error.message : String(error);
  return `${typeof code === "string" ? `${code} ` : ""}${message}`.replace(/\s*[\r\n]+\s*/g, " ");
}

function sendAdminResponse(response: ServerResponse, admin: AdminResponse): void {
  response.statusCode = admin.status;
  for (const [name, value] of Object.entries(admin.headers ?? {})) {
    response.setHeader(name, value);
  }
  if (admin.body === undefined) {
    response.end();
    return;
  }
  const text = JSON.stringify(admin.body);
  response.setHeader("Content-Type", "application/json");
  response.setHeader("Content-Length", Buffer.byteLength(text));
  response.end(text);
}

/** Routes, authenticates and serves one request whose body has been read. */
function respond(context: RequestContext, request: ReceivedRequest, requestId: string): Outcome {
  if (context.iam !== undefined && isIamPath(request.rawPath)) {
    return { response: handleIamRequest(context.iam, request, requestId).response };
  }

  const match = matchMetadataRoute(request.rawPath);
  if (match.outcome === "unknownRoute") {
    const message =
      `No API matches ${request.method} ${request.rawPath}. The simulator serves ` +
      "/v2/{project_id}/servers/{server_id}/metadata[/{key}] and the same under /v2.1.";
    return { response: gatewayError(404, GATEWAY_API_NOT_FOUND, message, requestId) };
  }

  let accessKey: string | undefined;
  if (context.iam === undefined) {
    const check = verifyRequestSignature(request, (id) => context.store.findCredential(id), context.now());
    if (!check.ok) {
      return { response: gatewayError(401, GATEWAY_AUTH_FAILED, check.message, requestId), accessKey: check.accessKey };
    }
    accessKey = check.credential.accessKey;
  } else {
    const check = authenticateIamOrEcsRequest(context.iam, request, requestId);
    if (!check.ok) {
      return { response: check.response, accessKey: check.principal };
    }
    // A token's principal is an IAM user, not an access key id, so only a signature's is recorded.
    accessKey = request.headers["x-auth-token"] === undefined ? check.principal : undefined;
  }

  if (match.outcome === "invalidEncoding") {
    const message = `Malformed request URL: path segment "${match.segment}" is not valid percent-encoding.`;
    return { response: novaError(400, message), accessKey };
  }

  const route = match.route;
  const allowedMethods = ALLOWED_METHODS[route.kind];
  if (!allowedMethods.includes(request.method)) {
    const message = `Method ${request.method} is not allowed on ${request.rawPath}; use ${allowedMethods.join(", ")}.`;
    return { response: novaError(405, message, { Allow: allowedMethods.join(", ") }), accessKey };
  }

  return { response: handleMetadataRequest(context.store, route, request.method, request.body), accessKey };
}

/** Reads the whole request body, or returns `undefined` when it exceeds {@link MAX_REQUEST_BODY_BYTES}. */
function readBody(request: IncomingMessage): Promise<Uint8Array | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;

    request.on("data", (chunk: Buffer) => {
      size += chunk.length;
      // Past the limit the rest is read and dropped, so the client still gets the 413.
      if (size <= MAX_REQUEST_BODY_BYTES) {
        chunks.push(chunk);
      }
    });
    request.on("end", () => resolve(size <= MAX_REQUEST_BODY_BYTES ? Buffer.concat(chunks) : undefined));
    request.on("error", reject);
  });
}

/**
 * Sends a response. With `truncateAt`, the headers still declare the whole body's `Content-Length`,
 * but only that many body bytes (half the body for -1) are sent before the connection is closed.
 */
function sendResponse(response: ServerResponse, result: SimulatorResponse, requestId: string, closeConnection: boolean, truncateAt?: number): void {
  if (response.destroyed) {
    return;
  }

  response.statusCode = result.status;
  response.setHeader("X-Request-Id", requestId);
  if (result.rawBody === undefined && result.body !== undefined) {
    response.setHeader("Content-Type", "application/json");
  }
  for (const [name, value] of Object.entries(result.headers ?? {})) {
    response.setHeader(name, value);
  }
  if (closeConnection) {
    response.setHeader("Connection", "close");
  }

  if (result.body === undefined && result.rawBody === undefined) {
    response.end();
    return;
  }

  const bytes = Buffer.from(result.rawBody ?? JSON.stringify(result.body), "utf8");
  response.setHeader("Content-Length", bytes.length);
  if (truncateAt === undefined) {
    response.end(bytes);
    return;
  }

  const sent = truncateAt < 0 ? Math.floor(bytes.length / 2) : Math.min(truncateAt, bytes.length);
  response.write(bytes.subarray(0, sent), () => response.destroy());
}

function listen(server: Server, host: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

function closeServer(server: Server, context: RequestContext): Promise<void> {
  context.closing = true;
  return new Promise((resolve, reject) => {
    server.close((error) => (error ? reject(error) : resolve()));
    server.closeIdleConnections();
  });
}

/** Validates fault rules that bypassed the data file loader or the admin call, such as `data` built in code. */
function validateFaultRules(rules: readonly FaultRule[], sourceName: string): FaultRule[] {
  const problems: string[] = [];
  const valid = readFaultRules(rules, "faults", problems);
  if (valid === undefined) {
    throw new SimulatorDataError(sourceName, problems);
  }
  return valid;
}

function validateOptionNumber(name: string, value: number, max: number): void {
  if (!Number.isInteger(value) || value < 0 || value > max) {
    throw new RangeError(`Simulator option ${name} must be an integer from 0 to ${max}, got ${value}.`);
  }
}
