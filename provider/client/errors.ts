/** Base class of every error this package raises, so callers can catch them all at once. */
export class EcsMetadataError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** Request whose failure an error describes. It never contains a secret. */
export interface FailedRequest {
  /** HTTP method, such as `GET`. */
  readonly method: string;
  /** Request path as sent, with the percent-encoded key and without the host. */
  readonly path: string;
  /** Endpoint the request went to, such as `https://ecs.cn-north-4.myhuaweicloud.com`. */
  readonly endpoint: string;
}

/** Facts read from an error response. */
export interface ErrorResponse {
  /** HTTP status code. */
  readonly status: number;
  /** Error code from the body, such as `APIGW.0301` or `itemNotFound`, when the body has one. */
  readonly errorCode?: string;
  /** Error message from the body, or a description of a body that could not be read. */
  readonly errorMessage?: string;
  /** Request id from the `X-Request-Id` header or the body. */
  readonly requestId?: string;
}

/**
 * Failure of a request that was sent: an error status, an invalid response or no response at all.
 * It names the method, the endpoint, the path with the key and the number of attempts made.
 */
export class EcsRequestError extends EcsMetadataError {
  readonly method: string;
  readonly path: string;
  readonly endpoint: string;
  /** Request id of the last attempt's response, when it had one. */
  readonly requestId?: string;
  private attemptCount = 1;

  constructor(request: FailedRequest, requestId: string | undefined, message: string) {
    super(message);
    this.method = request.method;
    this.path = request.path;
    this.endpoint = request.endpoint;
    this.requestId = requestId;
  }

  /** Number of requests sent before the lookup gave up; this error describes the last one. */
  get attempts(): number {
    return this.attemptCount;
  }

  /**
   * Records how many attempts were made and, when given, appends why the client stopped retrying.
   * The client calls it once, before it throws the error.
   */
  recordAttempts(attempts: number, stopReason?: string): void {
    this.attemptCount = attempts;
    if (stopReason !== undefined) {
      this.message += ` ${stopReason}`;
    }
  }
}

/** Error response from the ECS API, with the request and the response facts support needs. */
export class EcsApiError extends EcsRequestError {
  readonly status: number;
  readonly errorCode?: string;

  constructor(request: FailedRequest, response: ErrorResponse, hint: string) {
    super(request, response.requestId, `${describeFailure(request, response)}. ${hint}`);
    this.status = response.status;
    this.errorCode = response.errorCode;
  }
}

/** 404 for which the response does not tell a missing server from a missing key. */
export class NotFoundError extends EcsApiError {}

/** 404 because the server has no such metadata key. */
export class KeyNotFoundError extends NotFoundError {}

/** 404 because no server with the given id exists in the project. */
export class ServerNotFoundError extends NotFoundError {}

/** 401: the credentials were not accepted. Never retried. */
export class UnauthorizedError extends EcsApiError {}

/** 403: the credentials are valid but may not read this server's metadata. Never retried. */
export class ForbiddenError extends EcsApiError {}

/** 429: the API gateway throttled the request, and the retries allowed did not get through. */
export class ThrottledError extends EcsApiError {}

/** 5xx: the service failed to handle the request, and the retries allowed did not help. */
export class ServiceError extends EcsApiError {}

/**
 * Response that cannot be trusted to hold the value: a `200` whose body is not the documented shape,
 * is not UTF-8 JSON, has duplicate keys or is cut short, or a body larger than the client reads.
 */
export class InvalidResponseError extends EcsRequestError {
  readonly status: number;
  /** Problem with the body, described without any metadata value. */
  readonly problem: string;

  constructor(request: FailedRequest, status: number, requestId: string | undefined, problem: string) {
    const requestIdText = requestId ? ` (request id ${requestId})` : " (no request id)";
    super(
      request,
      requestId,
      `${request.method} ${request.endpoint}${request.path} returned ${status} with an invalid body${requestIdText}: ${problem}. ` +
        "The lookup returns no value rather than a guessed one; if a proxy sits between you and the endpoint, check that it passes JSON responses through unchanged.",
    );
    this.status = status;
    this.problem = problem;
  }
}

/** The request did not get a response: refused, reset, timed out or failed in TLS. */
export class NetworkError extends EcsRequestError {
  /** Node.js error code, such as `ECONNREFUSED`, or `ETIMEDOUT` for a timeout, when there is one. */
  readonly code?: string;

  constructor(request: FailedRequest, code: string | undefined, detail: string, hint = NETWORK_HINT) {
    super(request, undefined, `${request.method} ${request.endpoint}${request.path} failed without a response: ${detail}. ${hint}`);
    this.code = code;
  }
}

const NETWORK_HINT = "Check that the endpoint is right and reachable from this machine, and that no firewall or proxy drops the connection.";

/** An input or setting is invalid; raised before any request is sent. */
export class InvalidInputError extends EcsMetadataError {
  /** Name of the input or setting, such as `serverId` or `huaweicloud:region`. */
  readonly property: string;

  constructor(property: string, message: string) {
    super(message);
    this.property = property;
  }
}

function describeFailure(request: FailedRequest, response: ErrorResponse): string {
  const parts = [`${request.method} ${request.endpoint}${request.path} failed with status ${response.status}`];
  if (response.errorCode) {
    parts.push(`error code ${response.errorCode}`);
  }
  if (response.errorMessage) {
    parts.push(`message "${response.errorMessage}"`);
  }
  parts.push(response.requestId ? `request id ${response.requestId}` : "no request id");
  return parts.join(", ");
}
