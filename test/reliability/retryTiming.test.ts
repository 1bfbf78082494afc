import { EcsRequestError, ServiceError, ThrottledError, destroyKeepAliveAgents } from "../../provider/client";
import { startSimulator, type RunningSimulator } from "../../provider/simulator";
import { DATA, ROLE_TARGET, createClient, errorOf } from "./reliabilityFixtures";

/** Fake time: `sleep` records each wait and moves the clock on at once. */
function createFakeTime(start = new Date("2026-03-01T10:00:00Z")) {
  let elapsedMs = 0;
  const waits: number[] = [];
  return {
    waits,
    now: () => new Date(start.getTime() + elapsedMs),
    monotonicNow: () => elapsedMs,
    sleep: async (ms: number) => {
      waits.push(ms);
      elapsedMs += ms;
    },
  };
}

let simulator: RunningSimulator;

beforeAll(async () => {
  // The simulator checks X-Sdk-Date, so its clock follows the fake one closely enough (15 minutes allowed).
  simulator = await startSimulator({ data: DATA, now: () => new Date("2026-03-01T10:00:00Z") });
});

afterAll(async () => {
  await simulator.close();
  destroyKeepAliveAgents();
});

beforeEach(() => {
  simulator.clearFaults();
  simulator.clearRequests();
});

describe("waits between attempts", () => {
  it("waits the Retry-After seconds of a 429", async () => {
    const time = createFakeTime();
    simulator.addFaults([{ steps: [{ action: "respond", status: 429, headers: { "Retry-After": "7" } }] }]);

    await createClient(simulator, { ...time, deadlineMs: 60_000 }).getMetadataKey(ROLE_TARGET);

    expect(time.waits).toEqual([7_000]);
  });

  it("waits until the Retry-After date, measured from the Date header", async () => {
    const time = createFakeTime();
    const headers = { "Retry-After": "Sun, 01 Mar 2026 10:00:12 GMT", Date: "Sun, 01 Mar 2026 10:00:02 GMT" };
    simulator.addFaults([{ steps: [{ action: "respond", status: 429, headers }] }]);

    await createClient(simulator, { ...time, deadlineMs: 60_000 }).getMetadataKey(ROLE_TARGET);

    expect(time.waits).toEqual([10_000]);
  });

  it("backs off with full jitter under a doubling ceiling", async () => {
    const time = createFakeTime();
    simulator.addFaults([{ steps: [{ action: "respond", status: 503, times: 5 }] }]);
    const client = createClient(simulator, { ...time, maxRetries: 5, baseDelayMs: 1_000, maxDelayMs: 20_000, deadlineMs: 600_000, random: () => 0.5 });

    await client.getMetadataKey(ROLE_TARGET);

    expect(time.waits).toEqual([500, 1_000, 2_000, 4_000, 8_000]);
  });

  it("caps a backoff step at maxDelayMs", async () => {
    const time = createFakeTime();
    simulator.addFaults([{ steps: [{ action: "respond", status: 503, times: 4 }] }]);
    const client = createClient(simulator, { ...time, maxRetries: 4, baseDelayMs: 1_000, maxDelayMs: 3_000, deadlineMs: 600_000, random: () => 0.999 });

    await client.getMetadataKey(ROLE_TARGET);

    expect(Math.max(...time.waits)).toBeLessThan(3_000);
  });

  it("fails at once when Retry-After passes the deadline", async () => {
    const time = createFakeTime();
    simulator.addFaults([{ steps: [{ action: "respond", status: 429, headers: { "Retry-After": "120" } }] }]);

    const error = (await errorOf(() => createClient(simulator, { ...time, deadlineMs: 60_000 }).getMetadataKey(ROLE_TARGET))) as ThrottledError;

    expect(error).toBeInstanceOf(ThrottledError);
    expect(time.waits).toEqual([]);
    expect(simulator.requestCount).toBe(1);
  });

  it("makes maxRetries + 1 attempts at most", async () => {
    const time = createFakeTime();
    simulator.addFaults([{ steps: [{ action: "respond", status: 500 }], repeat: true }]);

    const error = (await errorOf(() => createClient(simulator, { ...time, maxRetries: 2, deadlineMs: 600_000 }).getMetadataKey(ROLE_TARGET))) as ServiceError;

    expect(error.attempts).toBe(3);
    expect(simulator.requestCount).toBe(3);
  });

  it("makes one attempt with maxRetries 0", async () => {
    simulator.addFaults([{ steps: [{ action: "respond", status: 503 }], repeat: true }]);

    const error = (await errorOf(() => createClient(simulator, { maxRetries: 0 }).getMetadataKey(ROLE_TARGET))) as EcsRequestError;

    expect(error.attempts).toBe(1);
  });
});

describe("debug log", () => {
  it("logs each attempt with status, attempt number and delay", async () => {
    const lines: string[] = [];
    simulator.addFaults([{ steps: [{ action: "respond", status: 503, headers: { "Retry-After": "2" } }] }]);

    await createClient(simulator, { ...createFakeTime(), deadlineMs: 60_000, logger: { debug: (line) => lines.push(line) } }).getMetadataKey(ROLE_TARGET);

    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^GET http:\/\/127\.0\.0\.1:\d+\/v2\.1\/.*\/metadata\/role attempt 1 of 4: status 503 \(ServiceError, request id [0-9a-f]{32}\)/);
    expect(lines[0]).toContain("retrying in 2000 ms (Retry-After)");
    expect(lines[1]).toContain("attempt 2 of 4: status 200");
  });

  it("logs no credential, signature or value", async () => {
    const lines: string[] = [];
    const credentials = DATA.credentials[1];
    simulator.addFaults([{ steps: [{ action: "respond", status: 503 }, { action: "reset" }, { action: "truncate" }] }]);
    const client = createClient(simulator, { credentials, now: createFakeTime().now, logger: { debug: (line) => lines.push(line) } });

    await client.getMetadataKey({ ...ROLE_TARGET, key: "tier name" });
    const text = lines.join("\n");

    expect(lines).toHaveLength(4);
    expect(text).not.toContain(credentials.secretKey);
    expect(text).not.toContain(credentials.securityToken);
    expect(text).not.toMatch(/Signature=|Authorization|X-Security-Token/i);
    expect(text).not.toContain("front");
  });

  it("logs a failure that is not retried", async () => {
    const lines: string[] = [];
    const client = createClient(simulator, { now: createFakeTime().now, logger: { debug: (line) => lines.push(line) } });

    await errorOf(() => client.getMetadataKey({ ...ROLE_TARGET, key: "absent" }));

    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain("status 404 (KeyNotFoundError");
    expect(lines[0]).toContain("not retried");
  });
});
