import { runSoak, type SoakReport } from "./soakRunner";

const KNOWN_FAILURES = new Set(["InvalidResponseError", "NetworkError", "ServiceError", "ThrottledError"]);

let report: SoakReport;

beforeAll(async () => {
  report = await runSoak({ lookups: 10_000, faultRate: 0.1, concurrency: 32, seed: 7, deadlineMs: 3_000 });
}, 120_000);

describe("soak of 10,000 lookups with 10% injected faults", () => {
  it("returns no wrong value", () => {
    expect(report.wrongValues).toBe(0);
  });

  it("ends every lookup within its deadline", () => {
    expect(report.overruns).toBe(0);
  });

  it("finishes every lookup", () => {
    const failed = Object.values(report.failures).reduce((sum, count) => sum + count, 0);
    expect(report.succeeded + failed).toBe(10_000);
  });

  it("fails only with the errors of injected faults", () => {
    for (const name of Object.keys(report.failures)) {
      expect(KNOWN_FAILURES.has(name)).toBe(true);
    }
  });

  it("injects faults into about 10% of requests", () => {
    const share = report.faultedRequests / report.requests;
    expect(share).toBeGreaterThan(0.08);
    expect(share).toBeLessThan(0.12);
  });

  it("gets past the retryable faults", () => {
    // Only the 200 faults (25% of faults) are not retried, so about 2.5% of lookups may fail.
    expect(report.succeeded).toBeGreaterThan(9_500);
  });
});
