import type http from "node:http";
import type { Readable } from "node:stream";

import axios, { AxiosError } from "axios";

import { getKeepAliveAgent } from "./httpAgents";
import type { RawResponse } from "./responses";

/** Largest response body the client reads, in bytes; a metadata body with 128 pairs of 255 characters is far smaller. */
export const MAX_RESPONSE_BYTES = 1024 * 1024;

const LOOPBACK_HOSTS = new Set(["127.0.0.1", "localhost", "[::1]"]);

/** Outcome of one HTTP attempt, before the body is interpreted. */
export type AttemptOutcome =
  /** A complete response arrived. */
  | { readonly kind: "response"; readonly response: RawResponse }
  /** No response arrived: refused, reset, timed out or failed in TLS. */
  | { readonly kind: "noResponse"; readonly code?: string; readonly detail: string }
  /** The status and headers arrived, but the body was cut short, too large or compressed. */
  | {
      readonly kind: "badBody";
      readonly status: number;
      readonly requestId?: string;
      readonly problem: string;
      /** Whether sending the request again may get a whole body: true for a cut-short body. */
      readonly transient: boolean;
    };

/** One `GET` to send. */
export interface GetRequest {
  readonly url: URL;
  /** Signed headers; `Accept-Encoding: identity` is added, unsigned, so the body length can be checked. */
  readonly headers: Readonly<Record<string, string>>;
  /** Time limit of the whole exchange, body included, in milliseconds. */
  readonly timeoutMs: number;
  /** Agent that makes the connection, with its TLS and proxy settings; a plain keep-alive agent of the origin unless set. */
  readonly agent?: http.Agent;
}

/**
 * Sends one `GET` and reads the whole body, within `timeoutMs` from the start of the request to the
 * last body byte. Never throws for a network or body failure: it returns what happened, so the caller
 * decides whether to retry.
 */
export async function sendGet(request: GetRequest): Promise<AttemptOutcome> {
  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, request.timeoutMs);

  try {
    let response;
    try {
      response = await axios.request<Readable>({
        method: "GET",
        url: request.url.href,
        headers: { ...request.headers, "Accept-Encoding": "identity" },
        responseType: "stream",
        decompress: false,
        validateStatus: () => true,
        maxRedirects: 0,
        signal: controller.signal,
        httpAgent: request.agent ?? getKeepAliveAgent(request.url.origin),
        httpsAgent: request.agent ?? getKeepAliveAgent(request.url.origin),
        // A given agent makes its own proxy decision. NOTE: without one, axios's own proxy rules apply to non-loopback endpoints.
        proxy: request.agent !== undefined || LOOPBACK_HOSTS.has(request.url.hostname) ? false : undefined,
      });
    } catch (error) {
      return describeNoResponse(error, timedOut, request.timeoutMs);
    }

    const headers = normalizeHeaders(response.headers as Record<string, unknown>);
    const requestId = headers["x-request-id"];
    const body = await readBody(response.data, controller.signal);
    if (timedOut) {
      return { kind: "noResponse", code: "ETIMEDOUT", detail: `timed out after ${request.timeoutMs} ms while reading the body of a ${response.status} response` };
    }
    return interpretBody(response.status, headers, requestId, body);
  } finally {
    clearTimeout(timer);
  }
}

type BodyRead = { readonly bytes: Buffer; readonly failure?: undefined } | { readonly bytes: Buffer; readonly failure: "tooLarge" | "cutShort"; readonly detail?: string };

function interpretBody(status: number, headers: Record<string, string | undefined>, requestId: string | undefined, body: BodyRead): AttemptOutcome {
  const received = body.bytes.length;
  if (body.failure === "tooLarge") {
    return { kind: "badBody", status, requestId, problem: `the body is larger than the ${MAX_RESPONSE_BYTES} bytes the client reads`, transient: false };
  }

  const declared = headers["content-length"];
  const declaredText = declared === undefined ? "" : ` of the ${declared} bytes that Content-Length declares`;
  if (body.failure === "cutShort") {
    return { kind: "badBody", status, requestId, problem: `the body was cut short after ${received} bytes${declaredText} (${body.detail ?? "connection closed"})`, transient: true };
  }
  if (declared !== undefined && /^\d+$/.test(declared) && Number(declared) !== received) {
    return { kind: "badBody", status, requestId, problem: `the body has ${received} bytes, but Content-Length declares ${declared}`, transient: true };
  }

  const encoding = headers["content-encoding"];
  if (encoding !== undefined && encoding.toLowerCase() !== "identity") {
    return { kind: "badBody", status, requestId, problem: `the body is encoded with ${encoding}, although the request asked for no encoding`, transient: false };
  }

  return { kind: "response", response: decodeBody(status, headers, body.bytes) };
}

/** Decodes the body as UTF-8, noting invalid bytes instead of guessing what they meant. */
function decodeBody(status: number, headers: Record<string, string | undefined>, bytes: Buffer): RawResponse {
  try {
    // ignoreBOM keeps a byte order mark in the text, so the response checks can reject it.
    const body = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(bytes);
    return { status, headers, body };
  } catch {
    const body = new TextDecoder("utf-8", { ignoreBOM: true }).decode(bytes);
    return { status, headers, body, bodyProblem: "the body is not valid UTF-8" };
  }
}

/** Reads a response stream up to {@link MAX_RESPONSE_BYTES}; stops at an error, an abort or the limit. */
function readBody(stream: Readable, signal: AbortSignal): Promise<BodyRead> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;

    const finish = (result: BodyRead) => {
      if (settled) {
        return;
      }
      settled = true;
      signal.removeEventListener("abort", onAbort);
      resolve(result);
    };
    const onAbort = () => {
      finish({ bytes: Buffer.concat(chunks), failure: "cutShort", detail: "timed out" });
      stream.destroy();
    };

    if (signal.aborted) {
      onAbort();
      return;
    }
    signal.addEventListener("abort", onAbort);

    stream.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_RESPONSE_BYTES) {
        finish({ bytes: Buffer.concat(chunks), failure: "tooLarge" });
        stream.destroy();
        return;
      }
      chunks.push(chunk);
    });
    stream.on("end", () => finish({ bytes: Buffer.concat(chunks) }));
    stream.on("error", (error: NodeJS.ErrnoException) => {
      finish({ bytes: Buffer.concat(chunks), failure: "cutShort", detail: error.code ?? error.message });
    });
    stream.on("aborted", () => finish({ bytes: Buffer.concat(chunks), failure: "cutShort", detail: "connection closed" }));
    stream.on("close", () => finish({ bytes: Buffer.concat(chunks), failure: "cutShort", detail: "connection closed" }));
  });
}

/** Returns response headers with lower-case names and each value as one string; repeated values are joined with ", ". */
export function normalizeHeaders(headers: Record<string, unknown>): Record<string, string | undefined> {
  const result: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(headers)) {
    result[name.toLowerCase()] = headerText(value);
  }
  return result;
}

function headerText(value: unknown): string | undefined {
  if (Array.isArray(value)) {
    return value.join(", ");
  }
  if (value === undefined || value === null) {
    return undefined;
  }
  return String(value);
}

function describeNoResponse(error: unknown, timedOut: boolean, timeoutMs: number): AttemptOutcome {
  if (timedOut) {
    return { kind: "noResponse", code: "ETIMEDOUT", detail: `timed out after ${timeoutMs} ms without a response` };
  }
  if (error instanceof AxiosError) {
    const cause = error.cause as NodeJS.ErrnoException | undefined;
    const code = cause?.code ?? error.code;
    const detail = code === "ECONNABORTED" || code === "ETIMEDOUT" ? `timed out (${error.message})` : `${code ?? "error"}: ${error.message}`;
    return { kind: "noResponse", code, detail };
  }
  return { kind: "noResponse", detail: error instanceof Error ? error.message : String(error) };
}
