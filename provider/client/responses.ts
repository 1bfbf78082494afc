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
import { findDuplicateJsonKey } from "./jsonDuplicateKeys";
import { MetadataKeyTarget, ServerTarget } from "./urls";

/** HTTP response as received, with the body as text. */
export interface RawResponse {
  readonly status: number;
  /** Headers with lower-case names. */
  readonly headers: Readonly<Record<string, string | undefined>>;
  /** Body decoded as UTF-8; invalid bytes become U+FFFD, and {@link RawResponse.bodyProblem} names the problem. */
  readonly body: string;
  /** Reason the body bytes cannot be trusted as sent, such as invalid UTF-8; absent when they can. */
  readonly bodyProblem?: string;
}

/** Facts about the lookup that error messages need besides the request. */
export interface LookupContext {
  readonly request: FailedRequest;
  /** Server and, for a one-key lookup, the key. */
  readonly target: MetadataKeyTarget | ServerTarget;
  /** Access key id of the credentials used; error messages name it, never the secret key. */
  readonly accessKey?: string;
}

/** Context of a one-key lookup. */
export interface MetadataKeyContext extends LookupContext {
  readonly target: MetadataKeyTarget;
}

const MAX_QUOTED_MESSAGE_LENGTH = 300;
const MAX_QUOTED_CODE_LENGTH = 100;

/**
 * Reads the value of a metadata key from a response. Only a `200` whose JSON body is
 * `{"meta": {"<key>": "<string>"}}` with exactly the requested key yields a value; any other `200`
 * is an {@link InvalidResponseError} and any other status an {@link EcsApiError} subclass.
 */
export function readMetadataKeyResponse(response: RawResponse, context: MetadataKeyContext): string {
  const meta = readJsonMember(response, context, "meta");
  const key = context.target.key;

  const keys = Object.keys(meta);
  if (keys.length !== 1) {
    throw invalidBody(response, context, `"meta" contains ${keys.length} keys instead of exactly the requested key "${key}"`);
  }
  if (keys[0] !== key) {
    throw invalidBody(response, context, `"meta" contains the key "${keys[0]}" instead of the requested key "${key}"`);
  }
  const value = meta[keys[0]];
  if (typeof value !== "string") {
    throw invalidBody(response, context, `the value of "${key}" is ${describeType(value)}, not a string`);
  }
  return value;
}

/**
 * Reads every metadata pair of a server from a response. Only a `200` whose JSON body is
 * `{"metadata": {...}}` with string values yields pairs. The result has no prototype, so a key such
 * as `__proto__` is an ordinary key.
 */
export function readAllMetadataResponse(response: RawResponse, context: LookupContext): Record<string, string> {
  const metadata = readJsonMember(response, context, "metadata");

  const pairs: Record<string, string> = Object.create(null) as Record<string, string>;
  for (const [key, value] of Object.entries(metadata)) {
    if (typeof value !== "string") {
      throw invalidBody(response, context, `the value of "${key}" in "metadata" is ${describeType(value)}, not a string`);
    }
    pairs[key] = value;
  }
  return pairs;
}

/**
 * Checks a `200` body down to the object under `member` and returns that object. Rejects a body that
 * is not valid UTF-8, starts with a byte order mark, is not JSON, names a member twice in one object
 * (`JSON.parse` would keep only the last), or has no `member` object.
 */
function readJsonMember(response: RawResponse, context: LookupContext, member: "meta" | "metadata"): Record<string, unknown> {
  if (response.status !== 200) {
    throw toApiError(response, context);
  }
  if (response.bodyProblem !== undefined) {
    throw invalidBody(response, context, response.bodyProblem);
  }
  if (response.body.charCodeAt(0) === 0xfeff) {
    throw invalidBody(response, context, "the body starts with a byte order mark, which JSON over HTTP must not have");
  }

  let body: unknown;
  try {
    body = JSON.parse(response.body);
  } catch {
    throw invalidBody(response, context, `the body is not JSON (${describeBody(response)})`);
  }

  const duplicate = findDuplicateJsonKey(response.body);
  if (duplicate !== undefined) {
    const where = duplicate.path === "" ? "the top-level object" : `"${duplicate.path}"`;
    throw invalidBody(response, context, `${where} names the key "${duplicate.key}" more than once, so its value is ambiguous`);
  }

  if (!isPlainObject(body) || !isPlainObject(body[member])) {
    throw invalidBody(response, context, `the body has no "${member}" object`);
  }
  return body[member];
}

function invalidBody(response: RawResponse, context: LookupContext, problem: string): InvalidResponseError {
  return new InvalidResponseError(context.request, response.status, response.headers["x-request-id"], problem);
}

function describeType(value: unknown): string {
  if (value === null) {
    return "null";
  }
  if (Array.isArray(value)) {
    return "an array";
  }
  if (typeof value === "object") {
    return "an object";
  }
  return `a ${typeof value}`;
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
    errorCode: fields.errorCode === undefined ? undefined : sanitize(fields.errorCode, MAX_QUOTED_CODE_LENGTH),
    errorMessage: fields.errorMessage === undefined ? undefined : sanitize(fields.errorMessage, MAX_QUOTED_MESSAGE_LENGTH),
    requestId: sanitizeOptional(headerRequestId ?? fields.requestId),
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
  const { serverId, projectId } = context.target;
  const key = "key" in context.target ? context.target.key : undefined;
  const accessKeyText = context.accessKey ? `access key id ${context.accessKey}` : "the configured credentials";

  switch (true) {
    case facts.status === 404 && isServerNotFound(facts):
      return new ServerNotFoundError(
        context.request,
        facts,
        `Server ${serverId} was not found in project ${projectId}. Check the server id, the project id and the region.`,
      );
    case facts.status === 404 && key !== undefined && isKeyNotFound(facts):
      return new KeyNotFoundError(
        context.request,
        facts,
        `Server ${serverId} has no metadata key "${key}". Check the key's spelling and letter case, or set the key on the server.`,
      );
    case facts.status === 404 && key !== undefined:
      return new NotFoundError(
        context.request,
        facts,
        `Either server ${serverId} or its metadata key "${key}" was not found. Check the server id, the key, the project id and the endpoint.`,
      );
    case facts.status === 404:
      return new NotFoundError(
        context.request,
        facts,
        `The metadata of server ${serverId} was not found. Check the server id, the project id and that the endpoint serves the ECS API.`,
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
      return new ThrottledError(
        context.request,
        facts,
        "The API gateway throttled the request. Lower the request rate (fewer parallel lookups), or raise huaweicloud:maxRetries or huaweicloud:lookupTimeout.",
      );
    case facts.status >= 500:
      return new ServiceError(
        context.request,
        facts,
        "The service or a gateway in front of it failed to handle the request. Try again later; give support the request id if it persists.",
      );
    default:
      return new EcsApiError(context.request, facts, "Check the request values named above.");
  }
}

// NOTE: The exact Huawei Cloud texts for a missing server and a missing key are unverified. These
// checks match Nova's messages and the native ECS code Ecs.0114; any other 404 is a plain NotFoundError.
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

/**
 * Makes text from a response safe to put in a message: control characters (which could move a
 * terminal's cursor or forge a log line) are escaped as in JSON, and long text is cut.
 */
function sanitize(text: string, maxLength: number): string {
  const shortened = text.length > maxLength ? text.slice(0, maxLength) + "..." : text;
  return shortened.replace(/[\u0000-\u001f\u007f-\u009f]/g, (character) => "\\u" + character.charCodeAt(0).toString(16).padStart(4, "0"));
}

function sanitizeOptional(text: string | undefined): string | undefined {
  return text === undefined ? undefined : sanitize(text, MAX_QUOTED_CODE_LENGTH);
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
