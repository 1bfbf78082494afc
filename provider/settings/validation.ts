import { API_VERSIONS } from "../client";

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
  if (typeof value !== "string" || value === "") {
    return "serverId is required: set it to the server's UUID, such as 5b5c1e1e-1111-2222-3333-444455556666.";
  }
  if (!UUID_PATTERN.test(value)) {
    return `serverId "${value}" is not a UUID; use the server's id (ECS console, or "hcloud ECS ListServersDetails"), not its name.`;
  }
  return undefined;
}

/** Returns why a metadata key is invalid, or `undefined` when the API can look it up. */
export function checkMetadataKey(value: unknown): string | undefined {
  if (typeof value !== "string" || value === "") {
    return "key is required: set it to the metadata key to look up.";
  }
  if (!METADATA_KEY_PATTERN.test(value)) {
    return (
      `key "${value}" is invalid: a metadata key has 1 to 255 characters from A-Z a-z 0-9 - _ : . and space ` +
      `(it has ${value.length}${describeBadCharacters(value)}).`
    );
  }
  if (/^\.+$/.test(value) && value.length <= 2) {
    return `key "${value}" cannot be looked up: URLs treat "." and ".." as directory references, so no request can name this key.`;
  }
  return undefined;
}

/** Returns why a project id is invalid, or `undefined` when it is 32 hex characters. */
export function checkProjectId(value: string, property: string): string | undefined {
  if (!PROJECT_ID_PATTERN.test(value)) {
    return `${property} "${value}" is not a project id: a project id has 32 hex characters (IAM console, "My Credentials", "Projects").`;
  }
  return undefined;
}

/** Returns why a region name is invalid, or `undefined` when it looks like `cn-north-4`. */
export function checkRegion(value: string, property: string): string | undefined {
  if (!REGION_PATTERN.test(value)) {
    return `${property} "${value}" is not a region name such as cn-north-4 or ap-southeast-1.`;
  }
  return undefined;
}

/** Returns why an endpoint is invalid, or `undefined` when it is an http(s) URL without query, fragment or user info. */
export function checkEndpoint(value: string, property: string): string | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return `${property} "${value}" is not a URL; use the form https://ecs.cn-north-4.myhuaweicloud.com.`;
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    return `${property} "${value}" must start with https:// (or http:// for a local endpoint).`;
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

function describeBadCharacters(value: string): string {
  const bad = [...new Set([...value].filter((character) => !/[a-zA-Z0-9\-_:. ]/.test(character)))];
  if (bad.length === 0) {
    return " characters";
  }
  return ` characters, and these are not allowed: ${bad.map((character) => JSON.stringify(character)).join(" ")}`;
}

function redactUserInfo(url: URL): string {
  const copy = new URL(url.href);
  copy.username = "";
  copy.password = "";
  return copy.href;
}
