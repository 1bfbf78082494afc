import { computeBackoffDelay, isRetryableNetworkCode, isRetryableStatus, parseRetryAfter } from "./retryPolicy";

const NOW = new Date("2026-03-01T10:00:00Z");

describe("isRetryableStatus", () => {
  it.each([429, 500, 502, 503, 504])("retries %i", (status) => {
    expect(isRetryableStatus(status)).toBe(true);
  });

  it.each([200, 400, 401, 403, 404, 405, 409, 413, 501])("never retries %i", (status) => {
    expect(isRetryableStatus(status)).toBe(false);
  });
});

describe("isRetryableNetworkCode", () => {
  it.each(["ECONNRESET", "ECONNREFUSED", "ETIMEDOUT", "ECONNABORTED"])("retries %s", (code) => {
    expect(isRetryableNetworkCode(code)).toBe(true);
  });

  it.each(["ENOTFOUND", "CERT_HAS_EXPIRED", "ERR_INVALID_URL", undefined])("never retries %s", (code) => {
    expect(isRetryableNetworkCode(code)).toBe(false);
  });
});

describe("parseRetryAfter", () => {
  it("reads whole seconds", () => {
    expect(parseRetryAfter("120", undefined, NOW)).toBe(120_000);
  });

  it("reads zero seconds", () => {
    expect(parseRetryAfter("0", undefined, NOW)).toBe(0);
  });

  it("reads an IMF-fixdate against the local clock", () => {
    expect(parseRetryAfter("Sun, 01 Mar 2026 10:00:30 GMT", undefined, NOW)).toBe(30_000);
  });

  it("reads an RFC 850 date", () => {
    expect(parseRetryAfter("Sunday, 01-Mar-26 10:00:05 GMT", undefined, NOW)).toBe(5_000);
  });

  it("measures a date from the response's Date header", () => {
    expect(parseRetryAfter("Sun, 01 Mar 2026 11:00:30 GMT", "Sun, 01 Mar 2026 11:00:00 GMT", NOW)).toBe(30_000);
  });

  it("gives 0 for a date in the past", () => {
    expect(parseRetryAfter("Sun, 01 Mar 2026 09:00:00 GMT", undefined, NOW)).toBe(0);
  });

  it.each(["", "-5", "1.5", "soon", "5 seconds", "Sun Mar  1 10:00:30 2026", "2026-03-01T10:00:30Z"])("ignores %j", (value) => {
    expect(parseRetryAfter(value, undefined, NOW)).toBeUndefined();
  });

  it("ignores a missing header", () => {
    expect(parseRetryAfter(undefined, undefined, NOW)).toBeUndefined();
  });
});

describe("computeBackoffDelay", () => {
  it("doubles the ceiling per retry", () => {
    const delays = [1, 2, 3, 4].map((retry) => computeBackoffDelay(retry, 100, 10_000, () => 0.999999));
    expect(delays).toEqual([99, 199, 399, 799]);
  });

  it("caps the ceiling at maxDelayMs", () => {
    expect(computeBackoffDelay(20, 100, 1_000, () => 0.999999)).toBe(999);
  });

  it("draws from zero with full jitter", () => {
    expect(computeBackoffDelay(3, 100, 10_000, () => 0)).toBe(0);
  });

  it("stays finite for a huge retry number", () => {
    expect(computeBackoffDelay(10_000, 1_000, 20_000, () => 0.5)).toBe(10_000);
  });
});
