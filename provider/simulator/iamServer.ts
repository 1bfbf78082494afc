import { randomBytes } from "node:crypto";
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { createServer as createHttpsServer } from "node:https";
import type { AddressInfo } from "node:net";

import type { SimulatorCredential } from "./dataFile";
import { handleIamRequest, isIamPath, type SimulatorIamProject, type SimulatorIamUser } from "./iamRoutes";
import { IamTokenRegistry } from "./iamTokens";
import { GATEWAY_API_NOT_FOUND, gatewayError, type SimulatorResponse } from "./responses";

/** Certificate and private key, PEM-encoded, that a simulator serves TLS with. */
export interface SimulatorTls {
  readonly cert: string;
  readonly key: string;
}

/** Options of {@link startIamSimulator}. */
export interface IamSimulatorOptions {
  /** IAM users accepted for password authentication. */
  readonly users?: readonly SimulatorIamUser[];
  /** AK/SK credentials accepted for signed requests and the `hw_ak_sk` identity. */
  readonly credentials?: readonly SimulatorCredential[];
  /** Projects listed by `GET /v3/projects`; the name is the region. */
  readonly projects?: readonly SimulatorIamProject[];
  /** Token registry to share with an ECS simulator; a new one unless set. */
  readonly tokens?: IamTokenRegistry;
  /** Lifetime of issued tokens in milliseconds when the registry is created here; 24 hours unless set. */
  readonly tokenLifetimeMs?: number;
  /** Serves HTTPS with this certificate when set; plain HTTP otherwise. */
  readonly tls?: SimulatorTls;
  /** Address to listen on; `127.0.0.1` unless set. */
  readonly host?: string;
  /** TCP port; `0`, the default, picks a free one. */
  readonly port?: number;
  /** Clock of token expiry and signature dates; the system clock unless set. */
  readonly now?: () => Date;
  /** Receives one line per request; nothing is logged unless set. */
  readonly log?: (line: string) => void;
}

/** Entry of {@link RunningIamSimulator.requests}; it holds no password, secret key, signature or token. */
export interface RecordedIamRequest {
  readonly method: string;
  readonly path: string;
  readonly status: number;
  /** User or access key id the request acted as, when known. */
  readonly principal?: string;
}

/** IAM simulator listening on a local port. */
export interface RunningIamSimulator {
  /** Base URL such as `https://127.0.0.1:40123`, without `/v3`. */
  readonly url: string;
  /** IAM endpoint as clients configure it: {@link RunningIamSimulator.url} plus `/v3`. */
  readonly endpoint: string;
  readonly port: number;
  /** Token registry; share it with an ECS simulator, or call `expireAll()` to force renewals. */
  readonly tokens: IamTokenRegistry;
  /** Requests received so far, oldest first. */
  readonly requests: readonly RecordedIamRequest[];
  /** Number of `POST /v3/auth/tokens` requests received, successful or not. */
  readonly tokenRequestCount: number;
  /** Number of `GET /v3/projects` requests received. */
  readonly projectRequestCount: number;
  close(): Promise<void>;
}

/**
 * Starts a local IAM endpoint with the calls this package uses: `POST /v3/auth/tokens`, which
 * returns the token in `X-Subject-Token`, and `GET /v3/projects?name={region}`.
 */
export async function startIamSimulator(options: IamSimulatorOptions): Promise<RunningIamSimulator> {
  const now = options.now ?? (() => new Date());
  const tokens = options.tokens ?? new IamTokenRegistry(now, options.tokenLifetimeMs);
  const credentials = options.credentials ?? [];
  const context = {
    users: options.users ?? [],
    projects: options.projects ?? [],
    tokens,
    findCredential: (accessKey: string) => credentials.find((credential) => credential.accessKey === accessKey),
    now,
  };
  const requests: RecordedIamRequest[] = [];
  const log = options.log ?? (() => undefined);

  const handler = (request: IncomingMessage, response: ServerResponse): void => {
    readBody(request)
      .then((body) => {
        const requestId = randomBytes(16).toString("hex");
        const target = request.url ?? "";
        const queryStart = target.indexOf("?");
        const rawPath = queryStart === -1 ? target : target.slice(0, queryStart);
        const rawQuery = queryStart === -1 ? "" : target.slice(queryStart + 1);
        const method = request.method ?? "";

        const outcome = isIamPath(rawPath)
          ? handleIamRequest(context, { method, rawPath, rawQuery, headers: request.headers, body }, requestId)
          : { response: gatewayError(404, GATEWAY_API_NOT_FOUND, `No IAM API matches ${method} ${rawPath}.`, requestId) };

        send(response, outcome.response, requestId);
        requests.push({ method, path: rawPath, status: outcome.response.status, ...(outcome.principal === undefined ? {} : { principal: outcome.principal }) });
        const errorPart = outcome.response.errorMessage === undefined ? "" : ` error=${JSON.stringify(outcome.response.errorMessage)}`;
        log(`${method} ${rawPath} ${outcome.response.status} request_id=${requestId}${errorPart}`);
      })
      .catch((error: unknown) => {
        log(`Failed to serve ${request.method} ${request.url}: ${String(error)}`);
        response.destroy();
      });
  };

  const server = options.tls === undefined ? createHttpServer(handler) : createHttpsServer({ cert: options.tls.cert, key: options.tls.key }, handler);
  const host = options.host ?? "127.0.0.1";
  const port = await listen(server, host, options.port ?? 0);
  const url = `${options.tls === undefined ? "http" : "https"}://${host}:${port}`;

  return {
    url,
    endpoint: `${url}/v3`,
    port,
    tokens,
    requests,
    get tokenRequestCount() {
      return requests.filter((entry) => entry.path === "/v3/auth/tokens").length;
    },
    get projectRequestCount() {
      return requests.filter((entry) => entry.path === "/v3/projects").length;
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}

function send(response: ServerResponse, result: SimulatorResponse, requestId: string): void {
  response.statusCode = result.status;
  response.setHeader("X-Request-Id", requestId);
  for (const [name, value] of Object.entries(result.headers ?? {})) {
    response.setHeader(name, value);
  }
  const text = result.body === undefined ? "" : JSON.stringify(result.body);
  if (result.body !== undefined) {
    response.setHeader("Content-Type", "application/json");
  }
  response.setHeader("Content-Length", Buffer.byteLength(text));
  response.end(text);
}

/** Reads a request body of at most 64 KiB, the most an IAM call here needs. */
function readBody(request: IncomingMessage): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > 64 * 1024) {
        reject(new Error("request body over 64 KiB"));
        request.destroy();
        return;
      }
      chunks.push(chunk);
    });
    request.on("end", () => resolve(Buffer.concat(chunks)));
    request.on("error", reject);
  });
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
