/** Default number of retries after the first attempt, as `HW_MAX_RETRIES` defaults in terraform-provider-huaweicloud. */
export const DEFAULT_MAX_RETRIES = 5;

/** Largest `maxRetries` the client accepts; the deadline bounds the work as well. */
export const MAX_MAX_RETRIES = 100;

/** Default time limit of one lookup, retries and waits included, in milliseconds. */
export const DEFAULT_DEADLINE_MS = 60_000;

/** Default time limit of one attempt, in milliseconds; the lookup's remaining time lowers it. */
export const DEFAULT_ATTEMPT_TIMEOUT_MS = 20_000;

/** Default first backoff step, in milliseconds; step n is `BASE * 2^(n-1)`, capped at {@link DEFAULT_MAX_DELAY_MS}. */
export const DEFAULT_BASE_DELAY_MS = 1_000;

/** Default cap of one backoff step, in milliseconds. */
export const DEFAULT_MAX_DELAY_MS = 20_000;

/**
 * Statuses that a repeated `GET` may get past: throttling and transient server or gateway failures.
 * 400, 401, 403, 404 and 409 are never retried, because a repeat gets the same response, and repeated
 * failed authentications lock the access key for five minutes.
 */
const RETRYABLE_STATUSES: ReadonlySet<number> = new Set([429, 500, 502, 503, 504]);

/** Node.js and axios error codes of a request that got no response and may succeed when sent again. */
const RETRYABLE_NETWORK_CODES: ReadonlySet<string> = new Set(["ECONNRESET", "ECONNREFUSED", "ETIMEDOUT", "ECONNABORTED", "EPIPE"]);

/** Returns whether a response with this status may be retried. */
export function isRetryableStatus(status: number): boolean {
  return RETRYABLE_STATUSES.has(status);
}

/** Returns whether a request that failed with this network error code may be retried. */
export function isRetryableNetworkCode(code: string | undefined): boolean {
  return code !== undefined && RETRYABLE_NETWORK_CODES.has(code);
}

/**
 * Reads `Retry-After` as a delay in milliseconds: either whole seconds (`120`) or an HTTP date
 * (`Wed, 21 Oct 2026 07:28:00 GMT`), as RFC 9110 section 10.2.3 defines it. A date is measured from
 * the response's `Date` header when it has a valid one, so a skewed local clock does not change the
 * wait, and else from `now`. A date in the past gives 0. Returns `undefined` for a missing or invalid value.
 */
export function parseRetryAfter(value: string | undefined, responseDate: string | undefined, now: Date): number | undefined {
  if (value === undefined) {
    return undefined;
  }

  const text = value.trim();
  if (/^\d+$/.test(text)) {
    const seconds = Number(text);
    return Number.isSafeInteger(seconds * 1000) ? seconds * 1000 : undefined;
  }

  const retryAt = parseHttpDate(text);
  if (retryAt === undefined) {
    return undefined;
  }
  const reference = parseHttpDate(responseDate?.trim() ?? "") ?? now.getTime();
  return Math.max(0, retryAt - reference);
}

/**
 * Returns the backoff before retry number `retry` (1 for the first retry) with "full jitter": a random
 * delay from 0 up to `min(maxDelayMs, baseDelayMs * 2^(retry-1))`, so clients that failed together
 * do not retry together.
 */
export function computeBackoffDelay(retry: number, baseDelayMs: number, maxDelayMs: number, random: () => number): number {
  const ceiling = Math.min(maxDelayMs, baseDelayMs * 2 ** Math.min(retry - 1, 30));
  return Math.floor(random() * ceiling);
}

/**
 * Returns the time of an HTTP date in milliseconds, or `undefined` for other text. The IMF-fixdate
 * (`Sun, 06 Nov 1994 08:49:37 GMT`) and RFC 850 (`Sunday, 06-Nov-94 08:49:37 GMT`) forms are read.
 */
function parseHttpDate(text: string): number | undefined {
  // NOTE: The asctime form has no time zone, and Date.parse would read it as local time, so it is not accepted.
  // Date.parse also accepts loose text such as "1", hence the shape check first.
  if (!/^[A-Za-z]{3,9}, [0-9A-Za-z -]+ \d{2}:\d{2}:\d{2} GMT$/.test(text)) {
    return undefined;
  }
  const time = Date.parse(text);
  return Number.isNaN(time) ? undefined : time;
}
