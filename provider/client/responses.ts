import {
  EcsApiError,
  ErrorResponse,
  FailedRequest,
  ForbiddenError,
  InvalidResponseError,
  KeyNotFoundError,
  NotFoundError,
  ServerNotFoundError,
  ServiceError,
  ThrottledError,
  UnauthorizedError,
} from "./errors";
import { MetadataKeyTarget } from "./urls";

/** HTTP response as received, with the body as text. */
export interface RawResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string | undefined>>;
  readonly body: string;
}

/** Facts about the lookup that error messages need besides the request. */
export interface LookupContext {
  readonly request: FailedRequest;
  readonly target: MetadataKeyTarget;
  /** Access key id of the credentials used; error messages name it, never the secret key. */
  readonly accessKey?: string;
}

const MAX_QUOTED_MESSAGE_LENGTH = 300;

/**
 * Reads the value of a metadata key from a response. Only a `200` whose JSON body is
 * `{"meta": {"<key>": "<string>"}}` with exactly the requested key yields a value; any other `200`
 * is an {@link InvalidResponseError} and any other status an {@link EcsApiError} subclass.
 */
export function readMetadataKeyResponse(response: RawResponse, context: LookupContext): string {
  if (response.status !== 200) {
    throw toApiError(response, context);
  }

  const requestId = response.headers["x-request-id"];
  const fail = (problem: string) => new InvalidResponseError(context.request, response.status, requestId, problem);

  let body: unknown;
  try {
    body = JSON.parse(response.body);
  } catch {
    throw fail(`the body is not JSON (${describeBody(response)})`);
  }

  if (!isPlainObject(body) || !isPlainObject(body.meta)) {
    throw fail('the body has no "meta" object');
  }
  const keys = Object.keys(body.meta);
  if (keys.length !== 1) {
    throw fail(`"meta" holds ${keys.length} keys instead of exactly the requested key "${context.target.key}"`);
  }
  if (keys[0] !== context.target.key) {
    throw fail(`"meta" holds the key "${keys[0]}" instead of the requested key "${context.target.key}"`);
  }
  const value = body.meta[keys[0]];
  if (typeof value !== "string") {
    throw fail(`the value of "${context.target.key}" is ${value === null ? "null" : typeof value}, not a string`);
  }
  return value;
}

/** Reads the error code, message and request id from any of the three error body shapes the API uses. */
export function readErrorResponse(response: RawResponse): ErrorResponse {
  const headerRequestId = response.headers["x-request-id"];
  let body: unknown;
  try {
    body = JSON.parse(response.body);
  } catch {
    return { status: response.status, requestId: headerRequestId, errorMessage: `non-JSON body: ${describeBody(response)}` };
  }

  const fields = readErrorFields(body);
  return {
    status: response.status,
    errorCode: fields.errorCode,
    errorMessage: fields.errorMessage === undefined ? undefined : truncate(fields.errorMessage),
    requestId: headerRequestId ?? fields.requestId,
  };
}

function readErrorFields(body: unknown): { errorCode?: string; errorMessage?: string; requestId?: string } {
  if (!isPlainObject(body)) {
    return {};
  }

  // API gateway: {"error_code": "APIGW.0308", "error_msg": "...", "request_id": "..."}
  if (typeof body.error_code === "string" || typeof body.error_msg === "string") {
    return { errorCode: asString(body.error_code), errorMessage: asString(body.error_msg), requestId: asString(body.request_id) };
  }

  // Native ECS: {"error": {"code": "Ecs.0114", "message": "..."}}
  if (isPlainObject(body.error)) {
    return { errorCode: asString(body.error.code), errorMessage: asString(body.error.message) };
  }

  // Nova: {"itemNotFound": {"message": "...", "code": 404}}, the wrapper name being the error code.
  const keys = Object.keys(body);
  const wrapped = keys.length === 1 ? body[keys[0]] : undefined;
  if (isPlainObject(wrapped) && typeof wrapped.message === "string") {
    return { errorCode: keys[0], errorMessage: wrapped.message };
  }
  return {};
}

function toApiError(response: RawResponse, context: LookupContext): EcsApiError {
  const facts = readErrorResponse(response);
  const { serverId, key, projectId } = context.target;
  const accessKeyText = context.accessKey ? `access key id ${context.accessKey}` : "the configured credentials";

  switch (true) {
    case facts.status === 404 && isServerNotFound(facts):
      return new ServerNotFoundError(
        context.request,
        facts,
        `Server ${serverId} was not found in project ${projectId}. Check the server id, the project id and the region.`,
      );
    case facts.status === 404 && isKeyNotFound(facts):
      return new KeyNotFoundError(
        context.request,
        facts,
        `Server ${serverId} has no metadata key "${key}". Check the key's spelling and letter case, or set the key on the server.`,
      );
    case facts.status === 404:
      return new NotFoundError(
        context.request,
        facts,
        `Either server ${serverId} or its metadata key "${key}" was not found. Check the server id, the key, the project id and the endpoint.`,
      );
    case facts.status === 401:
      return new UnauthorizedError(
        context.request,
        facts,
        `The endpoint did not accept ${accessKeyText}. Check the access key, the secret key and this machine's clock; ` +
          "the request was not retried, because repeated failures lock the access key for five minutes.",
      );
    case facts.status === 403:
      return new ForbiddenError(
        context.request,
        facts,
        `${capitalize(accessKeyText)} may not read the metadata of server ${serverId}. Grant it ECS read permission in project ${projectId}.`,
      );
    case facts.status === 429:
      return new ThrottledError(context.request, facts, "The API gateway throttled the request. Lower the request rate and try again.");
    case facts.status >= 500:
      return new ServiceError(context.request, facts, "The service failed to handle the request. Try again later; give support the request id if it persists.");
    default:
      return new EcsApiError(context.request, facts, "Check the request values named above.");
  }
}

// NOTE: The exact Huawei Cloud texts for a missing server and a missing key are unverified; these
// match Nova's messages and the native ECS code Ecs.0114, and anything else is a plain NotFoundError.
function isServerNotFound(facts: ErrorResponse): boolean {
  return facts.errorCode === "Ecs.0114" || /^Instance .* could not be found/.test(facts.errorMessage ?? "");
}

function isKeyNotFound(facts: ErrorResponse): boolean {
  return /^Metadata item was not found/.test(facts.errorMessage ?? "");
}

function describeBody(response: RawResponse): string {
  const contentType = response.headers["content-type"] ?? "no content type";
  return `${contentType}, ${Buffer.byteLength(response.body)} bytes`;
}

function truncate(text: string): string {
  return text.length > MAX_QUOTED_MESSAGE_LENGTH ? text.slice(0, MAX_QUOTED_MESSAGE_LENGTH) + "..." : text;
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function asString(value: unknown): string | undefined {
  if (typeof value === "string") {
    return value;
  }
  return typeof value === "number" ? String(value) : undefined;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
