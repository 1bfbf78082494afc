import axios, { AxiosError } from "axios";

import { EcsApiError, FailedRequest, ForbiddenError, InvalidResponseError, NetworkError, UnauthorizedError } from "../client";
import { normalizeHeaders } from "../client/transport";
import { ConnectionSettings, getConnectionAgent } from "./connection";

/** Header that carries an issued token in the response of `POST /v3/auth/tokens`. */
export const SUBJECT_TOKEN_HEADER = "x-subject-token";

/** Header that sends a token on a request. */
export const AUTH_TOKEN_HEADER = "X-Auth-Token";

/** Time limit of one IAM request in milliseconds. */
export const IAM_TIMEOUT_MS = 20_000;

/** Largest IAM response body read, in bytes. */
const MAX_IAM_RESPONSE_BYTES = 1024 * 1024;

/** Response of an IAM call, read whole. */
export interface IamResponse {
  readonly status: number;
  /** Headers with lower-case names. */
  readonly headers: Readonly<Record<string, string | undefined>>;
  readonly body: string;
}

/** One request to IAM, with its authentication headers already set. */
export interface IamRequest {
  readonly method: "GET" | "POST";
  readonly url: URL;
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: string;
}

/**
 * Sends one request to IAM over the agent that {@link getConnectionAgent} picks (TLS settings and
 * proxy included) and reads the whole response. Never retried here: a failed authentication must
 * not be repeated, and the other calls are cached by the caller.
 *
 * @throws {@link NetworkError} when no response arrives, with a hint for certificate failures.
 */
export async function sendIamRequest(request: IamRequest, connection: ConnectionSettings, timeoutMs = IAM_TIMEOUT_MS): Promise<IamResponse> {
  const agent = getConnectionAgent(request.url, connection);
  try {
    const response = await axios.request<string>({
      method: request.method,
      url: request.url.href,
      headers: { ...request.headers },
      data: request.body,
      responseType: "text",
      transformResponse: (data: unknown) => data,
      validateStatus: () => true,
      maxRedirects: 0,
      maxContentLength: MAX_IAM_RESPONSE_BYTES,
      timeout: timeoutMs,
      httpAgent: agent,
      httpsAgent: agent,
      proxy: false,
    });
    const headers = normalizeHeaders(response.headers as Record<string, unknown>);
    return { status: response.status, headers, body: typeof response.data === "string" ? response.data : "" };
  } catch (error) {
    throw describeNoResponse(request, error);
  }
}

/**
 * Raises the error of a non-2xx IAM response. `principal` names who the request acted as, such as
 * `access key id "AK..."`, and never contains a secret.
 */
export function iamResponseError(request: FailedRequest, response: IamResponse, principal: string): EcsApiError {
  const { errorCode, errorMessage } = readIamError(response.body);
  const facts = { status: response.status, errorCode, errorMessage, requestId: response.headers["x-request-id"] };
  if (response.status === 401) {
    return new UnauthorizedError(request, facts, `IAM did not accept ${principal}. Check the credentials; the request is not retried, because repeated failures lock them.`);
  }
  if (response.status === 403) {
    return new ForbiddenError(request, facts, `${capitalize(principal)} may not make this IAM call; grant the IAM permission it needs, or set the value it looks up directly.`);
  }
  return new EcsApiError(request, facts, `The IAM call failed for ${principal}.`);
}

/** Raises an {@link InvalidResponseError} for an IAM response that lacks what the call needs. */
export function invalidIamResponse(request: FailedRequest, response: IamResponse, problem: string): InvalidResponseError {
  return new InvalidResponseError(request, response.status, response.headers["x-request-id"], problem);
}

/** Describes a request for error messages: the method, the endpoint (origin) and the path, never a header. */
export function describeIamRequest(method: string, url: URL): FailedRequest {
  return { method, path: `${url.pathname}${url.search}`, endpoint: url.origin };
}

function readIamError(body: string): { errorCode?: string; errorMessage?: string } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return {};
  }
  if (typeof parsed !== "object" || parsed === null) {
    return {};
  }
  const record = parsed as Record<string, unknown>;
  if (typeof record.error_code === "string") {
    return { errorCode: record.error_code, errorMessage: typeof record.error_msg === "string" ? record.error_msg : undefined };
  }
  const keystone = record.error as Record<string, unknown> | undefined;
  if (typeof keystone === "object" && keystone !== null) {
    return {
      errorCode: keystone.code === undefined ? undefined : String(keystone.code),
      errorMessage: typeof keystone.message === "string" ? keystone.message : undefined,
    };
  }
  return {};
}

const CERTIFICATE_CODES = new Set([
  "DEPTH_ZERO_SELF_SIGNED_CERT",
  "SELF_SIGNED_CERT_IN_CHAIN",
  "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
  "UNABLE_TO_GET_ISSUER_CERT_LOCALLY",
  "CERT_HAS_EXPIRED",
  "ERR_TLS_CERT_ALTNAME_INVALID",
]);

function describeNoResponse(request: IamRequest, error: unknown): NetworkError {
  const failed = describeIamRequest(request.method, request.url);
  if (!(error instanceof AxiosError)) {
    return new NetworkError(failed, undefined, error instanceof Error ? error.message : String(error));
  }
  const code = (error.cause as NodeJS.ErrnoException | undefined)?.code ?? error.code;
  const certificateHint =
    code !== undefined && CERTIFICATE_CODES.has(code)
      ? " The endpoint's certificate is not trusted: add its CA with huaweicloud:cacertFile (or OS_CACERT) or NODE_EXTRA_CA_CERTS"
      : "";
  return new NetworkError(failed, code, `${code ?? "error"}: ${error.message}.${certificateHint}`);
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
