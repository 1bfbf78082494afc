import { createServer } from "node:net";
import { performance } from "node:perf_hooks";

import {
  EcsApiError,
  EcsClient,
  EcsRequestError,
  ForbiddenError,
  InvalidResponseError,
  KeyNotFoundError,
  NetworkError,
  ServiceError,
  ThrottledError,
  UnauthorizedError,
  destroyKeepAliveAgents,
} from "../../provider/client";
import { startSimulator, type FaultStep, type RunningSimulator } from "../../provider/simulator";
import { CREDENTIALS, DATA, FAST_RETRIES, ROLE_TARGET, createClient, errorOf, waitForRequestCount } from "./reliabilityFixtures";

/** One fault and what a lookup of `role` (value `web`) must do under it. */
interface FaultCase {
  readonly name: string;
  readonly steps: readonly FaultStep[];
  readonly repeat?: boolean;
  /** Error class the lookup must raise; the lookup must return `web` when absent. */
  readonly error?: new (...args: never[]) => Error;
  /** Requests the simulator must record, which is the number of attempts. */
  readonly requests: number;
  /** Upper bound of the lookup's duration in milliseconds. */
  readonly maxElapsedMs: number;
  /** Lower bound of the lookup's duration in milliseconds, for faults that must make the client wait. */
  readonly minElapsedMs?: number;
}

const NOVA_500 = { computeFault: { message: "Unexpected API Error.", code: 500 } };
const HTML_PAGE = "<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>";

// FAST_RETRIES allows 4 attempts, waits at most 20 ms between them and gives each attempt 300 ms.
const FAULT_CASES: readonly FaultCase[] = [
  { name: "503 twice then a pass", steps: [{ action: "respond", status: 503, times: 2 }], requests: 3, maxElapsedMs: 1_000 },
  { name: "500 with a Nova body once", steps: [{ action: "respond", status: 500, body: NOVA_500 }], requests: 2, maxElapsedMs: 1_000 },
  { name: "502 with an HTML body once", steps: [{ action: "respond", status: 502, body: HTML_PAGE }], requests: 2, maxElapsedMs: 1_000 },
  { name: "504 once", steps: [{ action: "respond", status: 504 }], requests: 2, maxElapsedMs: 1_000 },
  { name: "503 on every attempt", steps: [{ action: "respond", status: 503 }], repeat: true, error: ServiceError, requests: 4, maxElapsedMs: 1_000 },
  { name: "429 without Retry-After twice", steps: [{ action: "respond", status: 429, times: 2 }], requests: 3, maxElapsedMs: 1_000 },
  { name: "429 with Retry-After 0", steps: [{ action: "respond", status: 429, headers: { "Retry-After": "0" } }], requests: 2, maxElapsedMs: 1_000 },
  {
    name: "429 with Retry-After 1",
    steps: [{ action: "respond", status: 429, headers: { "Retry-After": "1" } }],
    requests: 2,
    minElapsedMs: 990,
    maxElapsedMs: 2_000,
  },
  {
    name: "503 with Retry-After 1",
    steps: [{ action: "respond", status: 503, headers: { "Retry-After": "1" } }],
    requests: 2,
    minElapsedMs: 990,
    maxElapsedMs: 2_000,
  },
  {
    name: "429 with a Retry-After past the deadline",
    steps: [{ action: "respond", status: 429, headers: { "Retry-After": "3600" } }],
    error: ThrottledError,
    requests: 1,
    maxElapsedMs: 500,
  },
  { name: "429 on every attempt", steps: [{ action: "respond", status: 429 }], repeat: true, error: ThrottledError, requests: 4, maxElapsedMs: 1_000 },
  { name: "connection reset twice", steps: [{ action: "reset", times: 2 }], requests: 3, maxElapsedMs: 1_000 },
  { name: "connection reset on every attempt", steps: [{ action: "reset" }], repeat: true, error: NetworkError, requests: 4, maxElapsedMs: 1_000 },
  { name: "body cut in half once", steps: [{ action: "truncate" }], requests: 2, maxElapsedMs: 1_000 },
  { name: "headers without a body once", steps: [{ action: "truncate", bytes: 0 }], requests: 2, maxElapsedMs: 1_000 },
  { name: "body cut short on every attempt", steps: [{ action: "truncate" }], repeat: true, error: InvalidResponseError, requests: 4, maxElapsedMs: 1_000 },
  { name: "response slower than the attempt timeout once", steps: [{ action: "pass", delayMs: 600 }], requests: 2, minElapsedMs: 290, maxElapsedMs: 1_500 },
  { name: "slow response within the attempt timeout", steps: [{ action: "pass", delayMs: 100 }], requests: 1, minElapsedMs: 95, maxElapsedMs: 1_000 },
  { name: "200 with an HTML body", steps: [{ action: "respond", status: 200, body: "<html>ok</html>" }], error: InvalidResponseError, requests: 1, maxElapsedMs: 500 },
  { name: "200 without meta", steps: [{ action: "respond", status: 200, body: { metadata: { role: "web" } } }], error: InvalidResponseError, requests: 1, maxElapsedMs: 500 },
  { name: "200 with another key", steps: [{ action: "respond", status: 200, body: { meta: { Role: "web" } } }], error: InvalidResponseError, requests: 1, maxElapsedMs: 500 },
  {
    name: "200 with two keys",
    steps: [{ action: "respond", status: 200, body: { meta: { role: "web", tier: "db" } } }],
    error: InvalidResponseError,
    requests: 1,
    maxElapsedMs: 500,
  },
  { name: "200 with a number value", steps: [{ action: "respond", status: 200, body: { meta: { role: 5 } } }], error: InvalidResponseError, requests: 1, maxElapsedMs: 500 },
  {
    name: "200 naming the key twice",
    steps: [{ action: "respond", status: 200, body: '{"meta": {"role": "db", "role": "web"}}', headers: { "Content-Type": "application/json" } }],
    error: InvalidResponseError,
    requests: 1,
    maxElapsedMs: 500,
  },
  {
    name: "200 with a byte order mark",
    steps: [{ action: "respond", status: 200, body: '\ufeff{"meta": {"role": "web"}}', headers: { "Content-Type": "application/json" } }],
    error: InvalidResponseError,
    requests: 1,
    maxElapsedMs: 500,
  },
  {
    name: "200 with a body over 1 MiB",
    steps: [{ action: "respond", status: 200, body: `{"meta": {"role": "${"x".repeat(1_100_000)}"}}`, headers: { "Content-Type": "application/json" } }],
    error: InvalidResponseError,
    requests: 1,
    maxElapsedMs: 1_000,
  },
  { name: "400", steps: [{ action: "respond", status: 400, body: { badRequest: { message: "bad", code: 400 } } }], error: EcsApiError, requests: 1, maxElapsedMs: 500 },
  {
    name: "401",
    steps: [{ action: "respond", status: 401, body: { error_code: "APIGW.0301", error_msg: "Incorrect IAM authentication information" } }],
    error: UnauthorizedError,
    requests: 1,
    maxElapsedMs: 500,
  },
  { name: "403", steps: [{ action: "respond", status: 403, body: { forbidden: { message: "Policy does not allow", code: 403 } } }], error: ForbiddenError, requests: 1, maxElapsedMs: 500 },
  {
    name: "404 of a missing key",
    steps: [{ action: "respond", status: 404, body: { itemNotFound: { message: "Metadata item was not found", code: 404 } } }],
    error: KeyNotFoundError,
    requests: 1,
    maxElapsedMs: 500,
  },
  { name: "409", steps: [{ action: "respond", status: 409, body: { conflict: { message: "busy", code: 409 } } }], error: EcsApiError, requests: 1, maxElapsedMs: 500 },
];

let simulator: RunningSimulator;
let client: EcsClient;

beforeAll(async () => {
  simulator = await startSimulator({ data: DATA });
});

afterAll(async () => {
  await simulator.close();
  destroyKeepAliveAgents();
});

beforeEach(() => {
  simulator.clearFaults();
  simulator.clearRequests();
  // A client sends nothing more after a 401, so each case starts with a client of its own.
  client = createClient(simulator);
});

describe("fault table", () => {
  it.each(FAULT_CASES.map((faultCase) => [faultCase.name, faultCase] as const))("%s", async (_name, faultCase) => {
    simulator.addFaults([{ match: { serverId: ROLE_TARGET.serverId, key: "role" }, steps: faultCase.steps, repeat: faultCase.repeat }]);

    const startedAt = performance.now();
    const outcome = await client.getMetadataKey(ROLE_TARGET).then(
      (value) => ({ value }),
      (error: Error) => ({ error }),
    );
    const elapsedMs = performance.now() - startedAt;
    await waitForRequestCount(simulator, faultCase.requests);
    await new Promise((resolve) => setTimeout(resolve, 20));

    if (faultCase.error === undefined) {
      expect(outcome).toEqual({ value: "web" });
    } else {
      const error = (outcome as { error?: Error }).error;
      expect(error).toBeInstanceOf(faultCase.error);
      expect((error as EcsRequestError).attempts).toBe(faultCase.requests);
    }
    expect(simulator.requestCount).toBe(faultCase.requests);
    expect(elapsedMs).toBeLessThan(faultCase.maxElapsedMs);
    expect(elapsedMs).toBeGreaterThanOrEqual(faultCase.minElapsedMs ?? 0);
  });
});

describe("final errors", () => {
  it("names the attempts and the last status after retries run out", async () => {
    simulator.addFaults([{ steps: [{ action: "respond", status: 503 }], repeat: true }]);

    const message = (await errorOf(() => client.getMetadataKey(ROLE_TARGET))).message;

    expect(message).toContain("failed with status 503");
    expect(message).toContain("Gave up after 4 attempts");
    expect(message).toContain("maxRetries 3");
  });

  it("names the path with the key and the request id", async () => {
    simulator.addFaults([{ steps: [{ action: "respond", status: 503 }], repeat: true }]);

    const error = (await errorOf(() => client.getMetadataKey(ROLE_TARGET))) as ServiceError;

    expect(error.message).toContain(`/servers/${ROLE_TARGET.serverId}/metadata/role`);
    expect(error.message).toContain(`request id ${simulator.requests[3].requestId}`);
  });

  it("says a Retry-After past the deadline stopped the retries", async () => {
    simulator.addFaults([{ steps: [{ action: "respond", status: 429, headers: { "Retry-After": "3600" } }] }]);

    const message = (await errorOf(() => client.getMetadataKey(ROLE_TARGET))).message;

    expect(message).toContain("retry after 3600 s (Retry-After)");
    expect(message).toContain("huaweicloud:lookupTimeout");
  });

  it("keeps the secret key out of every message", async () => {
    simulator.addFaults([{ steps: [{ action: "respond", status: 401 }, { action: "reset" }, { action: "truncate" }, { action: "respond", status: 200, body: "x" }] }]);
    const messages: string[] = [];
    for (let lookup = 0; lookup < 4; lookup++) {
      messages.push((await errorOf(() => createClient(simulator, { maxRetries: 0 }).getMetadataKey(ROLE_TARGET))).message);
    }

    for (const message of messages) {
      expect(message).not.toContain(CREDENTIALS.secretKey);
    }
  });

  it("sends exactly one request after a real 401", async () => {
    const badClient = new EcsClient({ endpoint: simulator.url, credentials: { ...CREDENTIALS, secretKey: "wrong-secret" }, ...FAST_RETRIES });

    const error = await errorOf(() => badClient.getMetadataKey(ROLE_TARGET));

    expect(error).toBeInstanceOf(UnauthorizedError);
    expect(simulator.requestCount).toBe(1);
  });

  it("stops at the deadline when backoff would pass it", async () => {
    simulator.addFaults([{ steps: [{ action: "respond", status: 503 }], repeat: true }]);
    const slowBackoff = createClient(simulator, { maxRetries: 50, baseDelayMs: 100, maxDelayMs: 100, deadlineMs: 400, random: () => 0.99 });

    const startedAt = performance.now();
    const error = (await errorOf(() => slowBackoff.getMetadataKey(ROLE_TARGET))) as ServiceError;

    expect(performance.now() - startedAt).toBeLessThan(600);
    expect(error.attempts).toBeLessThan(6);
    expect(error.message).toContain("deadline");
  });

  it("cuts a hanging attempt at the deadline", async () => {
    simulator.addFaults([{ steps: [{ action: "pass", delayMs: 2_000 }] }]);
    const shortDeadline = createClient(simulator, { timeoutMs: 10_000, deadlineMs: 300 });

    const startedAt = performance.now();
    const error = (await errorOf(() => shortDeadline.getMetadataKey(ROLE_TARGET))) as NetworkError;

    expect(performance.now() - startedAt).toBeLessThan(500);
    expect(error.code).toBe("ETIMEDOUT");
  });
});

describe("refused connections", () => {
  it("retries ECONNREFUSED and then names it", async () => {
    const port = await findClosedPort();
    const refused = new EcsClient({ endpoint: `http://127.0.0.1:${port}`, credentials: CREDENTIALS, ...FAST_RETRIES });

    const error = (await errorOf(() => refused.getMetadataKey(ROLE_TARGET))) as NetworkError;

    expect(error).toBeInstanceOf(NetworkError);
    expect(error.code).toBe("ECONNREFUSED");
    expect(error.attempts).toBe(4);
  });
});

/** Returns a loopback port that nothing listens on: one the system gave out and that was closed again. */
async function findClosedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise((resolve) => server.close(resolve));
  return port;
}
