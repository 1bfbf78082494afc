import { InvalidInputError } from "../client";
import { findSetting, SettingsSource } from "./sources";

/** Default request rate per endpoint: half the API gateway's default limit of 200 calls a second per API. */
export const DEFAULT_MAX_REQUESTS_PER_SECOND = 100;

/** Default number of requests in flight at once per endpoint. */
export const DEFAULT_MAX_CONCURRENT_REQUESTS = 16;

/** Limits and coalescing that the lookups of one process share per endpoint. */
export interface ThroughputSettings {
  /** Maximum requests started in any second, per endpoint and process. */
  readonly maxRequestsPerSecond: number;
  /** Maximum requests in flight at once, per endpoint and process. */
  readonly maxConcurrentRequests: number;
  /** Whether lookups of one server that are pending together share one `GET .../metadata`. */
  readonly coalesceLookups: boolean;
}

/**
 * Reads `maxRequestsPerSecond` (default 100), `maxConcurrentRequests` (default 16) and
 * `coalesceLookups` (default `true`) from the first source that sets each.
 *
 * @throws {@link InvalidInputError} naming the setting for a value out of range.
 */
export function resolveThroughputSettings(sources: readonly SettingsSource[]): ThroughputSettings {
  return {
    maxRequestsPerSecond: readPositiveInteger(sources, "maxRequestsPerSecond", DEFAULT_MAX_REQUESTS_PER_SECOND, 10_000),
    maxConcurrentRequests: readPositiveInteger(sources, "maxConcurrentRequests", DEFAULT_MAX_CONCURRENT_REQUESTS, 1_000),
    coalesceLookups: readBoolean(sources, "coalesceLookups", true),
  };
}

function readPositiveInteger(
  sources: readonly SettingsSource[],
  setting: "maxRequestsPerSecond" | "maxConcurrentRequests",
  defaultValue: number,
  max: number,
): number {
  const found = findSetting(sources, setting);
  if (found === undefined) {
    return defaultValue;
  }

  const text = found.value.trim();
  const value = /^\d{1,6}$/.test(text) ? Number(text) : NaN;
  if (!(value >= 1 && value <= max)) {
    throw new InvalidInputError(
      found.name,
      `${found.name} ${JSON.stringify(found.value)} is invalid: set it to a whole number from 1 to ${max} (default ${defaultValue}).`,
    );
  }
  return value;
}

function readBoolean(sources: readonly SettingsSource[], setting: "coalesceLookups", defaultValue: boolean): boolean {
  const found = findSetting(sources, setting);
  if (found === undefined) {
    return defaultValue;
  }

  const text = found.value.trim().toLowerCase();
  if (text === "true" || text === "1") {
    return true;
  }
  if (text === "false" || text === "0") {
    return false;
  }
  throw new InvalidInputError(found.name, `${found.name} ${JSON.stringify(found.value)} is invalid: set it to true or false (default ${defaultValue}).`);
}
