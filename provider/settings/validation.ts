import { API_VERSIONS, DEFAULT_DEADLINE_MS, DEFAULT_MAX_RETRIES, InvalidInputError, MAX_MAX_RETRIES } from "../client";
import { findSetting, type SettingsSource } from "./sources";

/** Failure of one input, in the shape Pulumi's `check` returns. */
export interface InputFailure {
  readonly property: string;
  readonly reason: string;
}

const UUID_PATTERN = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
const PROJECT_ID_PATTERN = /^[0-9a-fA-F]{32}$/;
// Nova's pattern for metadata keys, which also allows a space beside the documented A-Z a-z 0-9 - _ : .
const METADATA_KEY_PATTERN = /^[a-zA-Z0-9\-_:. ]{1,255}$/;
const REGION_PATTERN = /^[a-z]{2,}(-[a-z0-9]+)+$/;

/** Returns why a server id is invalid, or `undefined` when it is a UUID. */
export function checkServerId(value: unknown): string | undefined {
  if (value !== undefined && typeof value !== "string") {
    return `serverId must be a string holding the server's UUID, not ${describeType(value)}.`;
  }
  if (typeof value !== "string" || value === "") {
    return "serverId is required: set it to the server's UUID, such as 5b5c1e1e-1111-2222-3333-444455556666.";
  }
  if (!UUID_PATTERN.test(value)) {
    return `serverId ${quoteForMessage(value)} is not a UUID; use the server's id (ECS console, or "hcloud ECS ListServersDetails"), not its name.`;
  }
  return undefined;
}

/** Returns why a metadata key is invalid, or `undefined` when the API can look it up. */
export function checkMetadataKey(value: unknown): string | undefined {
  if (value !== undefined && typeof value !== "string") {
    return `key must be a string, not ${describeType(value)}.`;
  }
  if (typeof value !== "string" || value === "") {
    return "key is required: set it to the metadata key to look up.";
  }
  if (!METADATA_KEY_PATTERN.test(value)) {
    return (
      `key ${quoteForMessage(value)} is invalid: a metadata key has 1 to 255 characters from A-Z a-z 0-9 - _ : . and space ` +
      `(it has ${value.length}${describeBadCharacters(value)}).`
    );
  }
  if (/^\.+$/.test(value) && value.length <= 2) {
    return `key "${value}" cannot be looked up: URLs treat "." and ".." as directory references, so no request can name this key.`;
  }
  return undefined;
}

/** Returns why a project id is invalid, or `undefined` when it is 32 hex characters. */
export function checkProjectId(value: unknown, property: string): string | undefined {
  if (typeof value !== "string") {
    return `${property} must be a string of 32 hex characters, not ${describeType(value)}.`;
  }
  if (!PROJECT_ID_PATTERN.test(value)) {
    return `${property} "${value}" is not a project id: a project id has 32 hex characters (IAM console, "My Credentials", "Projects").`;
  }
  return undefined;
}

/** Returns why a region name is invalid, or `undefined` when it looks like `cn-north-4`. */
export function checkRegion(value: unknown, property: string): string | undefined {
  if (typeof value !== "string") {
    return `${property} must be a region name such as cn-north-4, not ${describeType(value)}.`;
  }
  if (!REGION_PATTERN.test(value)) {
    return `${property} "${value}" is not a region name such as cn-north-4 or ap-southeast-1.`;
  }
  return undefined;
}

/** Returns why an endpoint is invalid, or `undefined` when it is an http(s) URL without query, fragment or user info. */
export function checkEndpoint(value: unknown, property: string): string | undefined {
  if (typeof value !== "string") {
    return `${property} must be a URL string such as https://ecs.cn-north-4.myhuaweicloud.com, not ${describeType(value)}.`;
  }
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return `${property} ${quoteEndpointText(value)} is not a URL; use the form https://ecs.cn-north-4.myhuaweicloud.com.`;
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    return `${property} "${redactUserInfo(url)}" must start with https:// (or http:// for a local endpoint).`;
  }
  if (url.username || url.password || url.search || url.hash) {
    return `${property} "${redactUserInfo(url)}" must not contain user info, a query or a fragment.`;
  }
  return undefined;
}

/** Returns why an API version is invalid, or `undefined` when it is one the metadata calls are served on. */
export function checkApiVersion(value: unknown): string | undefined {
  if (value === undefined || (typeof value === "string" && (API_VERSIONS as readonly string[]).includes(value))) {
    return undefined;
  }
  return `apiVersion ${JSON.stringify(value)} is not supported; use "v2.1" (the default) or "v2".`;
}

/** Largest `lookupTimeout` setting, in seconds. */
export const MAX_LOOKUP_TIMEOUT_SECONDS = 3600;

/** Retry settings of a lookup, ready for the {@link EcsClient} options of the same names. */
export interface RetrySettings {
  /** Retries after the first attempt. */
  readonly maxRetries: number;
  /** Time limit of one lookup, retries included, in milliseconds. */
  readonly deadlineMs: number;
}

/**
 * Reads `maxRetries` (`huaweicloud:maxRetries` or `HW_MAX_RETRIES`, default 5) and `lookupTimeout`
 * (`huaweicloud:lookupTimeout` or `HW_LOOKUP_TIMEOUT`, whole seconds, default 60) from the first
 * source that sets each.
 *
 * @throws {@link InvalidInputError} naming the setting for a value that is not a whole number in range.
 */
export function resolveRetrySettings(sources: readonly SettingsSource[]): RetrySettings {
  const maxRetries = findSetting(sources, "maxRetries");
  const lookupTimeout = findSetting(sources, "lookupTimeout");
  return {
    maxRetries: maxRetries === undefined ? DEFAULT_MAX_RETRIES : parseMaxRetries(maxRetries.value, maxRetries.name),
    deadlineMs: lookupTimeout === undefined ? DEFAULT_DEADLINE_MS : parseLookupTimeout(lookupTimeout.value, lookupTimeout.name) * 1000,
  };
}

/**
 * Parses a `maxRetries` setting: a whole number from 0 to 100.
 *
 * @param name - Name of the setting as the user wrote it, such as `HW_MAX_RETRIES`, for the error message.
 * @throws {@link InvalidInputError} naming the setting otherwise.
 */
export function parseMaxRetries(value: string, name: string): number {
  const retries = parseWholeNumber(value);
  if (retries === undefined || retries > MAX_MAX_RETRIES) {
    throw new InvalidInputError(
      name,
      `${name} ${JSON.stringify(value)} is invalid: set it to a whole number of retries from 0 to ${MAX_MAX_RETRIES} (default ${DEFAULT_MAX_RETRIES}); 0 turns retries off.`,
    );
  }
  return retries;
}

/**
 * Parses a `lookupTimeout` setting: whole seconds from 1 to 3600.
 *
 * @throws {@link InvalidInputError} naming the setting otherwise.
 */
export function parseLookupTimeout(value: string, name: string): number {
  const seconds = parseWholeNumber(value);
  if (seconds === undefined || seconds < 1 || seconds > MAX_LOOKUP_TIMEOUT_SECONDS) {
    throw new InvalidInputError(
      name,
      `${name} ${JSON.stringify(value)} is invalid: set it to the time limit of one lookup, retries included, ` +
        `in whole seconds from 1 to ${MAX_LOOKUP_TIMEOUT_SECONDS} (default ${DEFAULT_DEADLINE_MS / 1000}).`,
    );
  }
  return seconds;
}

/** Returns a whole number written in decimal digits (surrounding spaces allowed), or `undefined` for any other text. */
function parseWholeNumber(value: string): number | undefined {
  const text = value.trim();
  if (!/^\d{1,9}$/.test(text)) {
    return undefined;
  }
  return Number(text);
}


function describeBadCharacters(value: string): string {
  const bad = [...new Set([...value].filter((character) => !/[a-zA-Z0-9\-_:. ]/.test(character)))];
  if (bad.length === 0) {
    return " characters";
  }
  return ` characters, and these are not allowed: ${bad.map((character) => JSON.stringify(character)).join(" ")}`;
}

/** Quotes a value as JSON, so control characters show, and shortens it to 100 characters. */
function quoteForMessage(value: string): string {
  return JSON.stringify(value.length > 100 ? `${value.slice(0, 100)}...` : value);
}

function describeType(value: unknown): string {
  if (value === null) {
    return "null";
  }
  return Array.isArray(value) ? "an array" : `a ${typeof value}`;
}

/**
 * Quotes endpoint text that is not a URL for a message: anything between `//` and an `@` (user info,
 * which may hold a password) is replaced by `***`, control characters are escaped, and long text is cut.
 */
function quoteEndpointText(value: string): string {
  const redacted = value.replace(/\/\/[^/?#]*@/, "//***@");
  const shortened = redacted.length > 200 ? `${redacted.slice(0, 200)}...` : redacted;
  return JSON.stringify(shortened);
}

function redactUserInfo(url: URL): string {
  const copy = new URL(url.href);
  copy.username = "";
  copy.password = "";
  return copy.href;
}
