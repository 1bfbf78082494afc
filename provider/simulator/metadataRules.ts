/**
 * Limits that Nova and Huawei Cloud ECS apply to server metadata. The data file loader and the
 * write routes both use them, so a loaded server always satisfies what the API would accept.
 */

/** Pattern of a metadata key, the one Nova's request schema uses: 1 to 255 of `A-Z a-z 0-9 - _ : .` and space. */
export const METADATA_KEY_PATTERN = /^[A-Za-z0-9_:. -]{1,255}$/;

/** Maximum length of a metadata value, in Unicode code points. */
export const MAX_METADATA_VALUE_LENGTH = 255;

/**
 * Maximum number of metadata pairs on one server.
 *
 * NOTE: 128 is the figure in the ECS quota example; an account's real quota may differ.
 */
export const MAX_METADATA_ITEMS = 128;

/** Server statuses that Nova reports. */
export const SERVER_STATUSES = [
  "ACTIVE",
  "BUILD",
  "DELETED",
  "ERROR",
  "HARD_REBOOT",
  "MIGRATING",
  "PASSWORD",
  "PAUSED",
  "REBOOT",
  "REBUILD",
  "RESCUE",
  "RESIZE",
  "REVERT_RESIZE",
  "SHELVED",
  "SHELVED_OFFLOADED",
  "SHUTOFF",
  "SOFT_DELETED",
  "SUSPENDED",
  "UNKNOWN",
  "VERIFY_RESIZE",
] as const;

/** Status of a server, as Nova reports it. */
export type ServerStatus = (typeof SERVER_STATUSES)[number];

/** Statuses in which a server accepts metadata writes: running, stopped, paused or suspended. */
export const WRITABLE_SERVER_STATUSES: readonly ServerStatus[] = ["ACTIVE", "SHUTOFF", "PAUSED", "SUSPENDED"];

/** Returns whether a string is one of {@link SERVER_STATUSES}. */
export function isServerStatus(value: string): value is ServerStatus {
  return (SERVER_STATUSES as readonly string[]).includes(value);
}

/** Returns the length of a string in Unicode code points, the unit of {@link MAX_METADATA_VALUE_LENGTH}. */
export function countCodePoints(value: string): number {
  let count = 0;
  for (const _codePoint of value) {
    count += 1;
  }
  return count;
}

/**
 * Checks one metadata pair against the key pattern and the value limits. Returns a message for the
 * first problem found, such as `value must be a string, not a number`, or `undefined` when the
 * pair is valid. The message does not repeat the key, so callers put it in front.
 */
export function findMetadataPairProblem(key: string, value: unknown): string | undefined {
  if (!METADATA_KEY_PATTERN.test(key)) {
    return "key must be 1 to 255 characters from A-Z a-z 0-9 - _ : . and space";
  }

  if (typeof value !== "string") {
    return `value must be a string, not ${describeJsonType(value)}`;
  }

  const length = countCodePoints(value);
  if (length > MAX_METADATA_VALUE_LENGTH) {
    return `value is ${length} characters long; the maximum is ${MAX_METADATA_VALUE_LENGTH}`;
  }
  return undefined;
}

/** Names the JSON type of a parsed value for messages: `null`, `an array`, `a number` and so on. */
export function describeJsonType(value: unknown): string {
  if (value === null || value === undefined) {
    return String(value);
  }
  if (Array.isArray(value)) {
    return "an array";
  }
  return typeof value === "object" ? "an object" : `a ${typeof value}`;
}
