import { startSimulator, type RunningSimulator } from "../simulator";
import { KeyNotFoundError, ServiceError, UnauthorizedError } from "./errors";
import { lookupMetadataKey, resetSharedLookups, SharedLookupSettings } from "./sharedLookups";
import { MetadataKeyTarget } from "./urls";

const PROJECT_ID = "0123456789abcdef0123456789abcdef";
const SERVER_ID = "5b5c1e1e-1111-2222-3333-444455556666";
const CREDENTIALS = { accessKey: "SHAREDTESTKEY0000001", secretKey: "shared-test-secret" };
const KEYS = ["k0", "k1", "k2", "k3", "k4", "k5", "k6", "k7", "k8", "k9", "k10", "k11"];

let simulator: RunningSimulator;

beforeAll(async () => {
  const metadata = Object.fromEntries(KEYS.map((key) => [key, `value of ${key}`]));
  simulator = await startSimulator({
    data: {
      credentials: [CREDENTIALS],
      projects: [{ id: PROJECT_ID, region: "cn-north-4", servers: [{ id: SERVER_ID, name: "web-1", status: "ACTIVE", metadata }] }],
    } as never,
  });
});

afterAll(async () => {
  await simulator?.close();
});

beforeEach(() => {
  resetSharedLookups();
  simulator.clearFaults();
  simulator.clearRequests();
});

function settings(extra: Partial<SharedLookupSettings> = {}): SharedLookupSettings {
  return {
    endpoint: simulator.url,
    credentials: CREDENTIALS,
    maxRetries: 0,
    maxRequestsPerSecond: 1000,
    maxConcurrentRequests: 16,
    coalesceLookups: true,
    ...extra,
  };
}

function target(key: string): MetadataKeyTarget {
  return { apiVersion: "v2.1", projectId: PROJECT_ID, serverId: SERVER_ID, key };
}

describe("lookupMetadataKey", () => {
  it("reads keys of one server pending together with one request", async () => {
    const values = await Promise.all(["k0", "k1", "k2"].map((key) => lookupMetadataKey(settings(), target(key))));
    expect(values).toEqual(["value of k0", "value of k1", "value of k2"]);
    expect(simulator.requests.map((request) => request.path)).toEqual([`/v2.1/${PROJECT_ID}/servers/${SERVER_ID}/metadata`]);
  });

  it("keeps the single-key GET for a lone lookup", async () => {
    await lookupMetadataKey(settings(), target("k0"));
    expect(simulator.requests.map((request) => request.path)).toEqual([`/v2.1/${PROJECT_ID}/servers/${SERVER_ID}/metadata/k0`]);
  });

  it("sends one request per key when coalescing is off", async () => {
    await Promise.all(["k0", "k1", "k2"].map((key) => lookupMetadataKey(settings({ coalesceLookups: false }), target(key))));
    expect(simulator.requestCount).toBe(3);
  });

  it("raises KeyNotFoundError naming the key absent from a shared read", async () => {
    const results = await Promise.allSettled(["k0", "absent"].map((key) => lookupMetadataKey(settings(), target(key))));
    const missing = results[1] as PromiseRejectedResult;
    expect(missing.reason).toBeInstanceOf(KeyNotFoundError);
    expect(missing.reason.message).toContain(`${SERVER_ID} has no metadata key "absent"`);
  });

  it("fails each waiting lookup with its own key when the shared read fails", async () => {
    simulator.addFaults([{ match: { route: "collection" }, steps: [{ action: "respond", status: 500 }], repeat: true }]);
    const results = await Promise.allSettled(["k0", "k1"].map((key) => lookupMetadataKey(settings(), target(key))));
    const reasons = results.map((result) => (result as PromiseRejectedResult).reason as Error);
    expect(reasons[0]).toBeInstanceOf(ServiceError);
    expect(reasons[0].message).toContain('key "k0"');
    expect(reasons[1].message).toContain('key "k1"');
  });

  it("sends one request, not one per lookup, with a wrong secret key", async () => {
    const wrong = settings({ coalesceLookups: false, credentials: { accessKey: CREDENTIALS.accessKey, secretKey: "wrong-secret" } });
    const results = await Promise.allSettled(["k0", "k1", "k2", "k3", "k4", "k5"].map((key) => lookupMetadataKey(wrong, target(key))));

    expect(simulator.requestCount).toBe(1);
    for (const result of results) {
      expect((result as PromiseRejectedResult).reason).toBeInstanceOf(UnauthorizedError);
    }
    const notSent = results.filter((result) => (result as PromiseRejectedResult).reason.message.includes("was not sent"));
    expect(notSent).toHaveLength(5);
    expect(JSON.stringify(results.map((result) => (result as PromiseRejectedResult).reason.message))).not.toContain("wrong-secret");
  });

  it("keeps sending in parallel once the credentials are accepted", async () => {
    const parallel = settings({ coalesceLookups: false, maxConcurrentRequests: 4 });
    await lookupMetadataKey(parallel, target("k0"));
    simulator.addFaults([{ match: { route: "item" }, steps: [{ action: "pass", delayMs: 200 }], repeat: true }]);
    const started = performance.now();
    await Promise.all(["k1", "k2", "k3", "k4"].map((key) => lookupMetadataKey(parallel, target(key))));
    expect(performance.now() - started).toBeLessThan(700);
  });

  it("completes no more lookups than the rate limit in any second", async () => {
    const arrivals: number[] = [];
    simulator.clearRequests();
    const limited = settings({ coalesceLookups: false, maxRequestsPerSecond: 5 });
    const started = performance.now();
    await Promise.all(KEYS.map((key) => lookupMetadataKey(limited, target(key)).then(() => arrivals.push(performance.now() - started))));

    expect(simulator.requestCount).toBe(KEYS.length);
    const sorted = [...arrivals].sort((a, b) => a - b);
    const perWindow = sorted.map((time) => sorted.filter((other) => other >= time && other < time + 1000).length);
    expect(Math.max(...perWindow)).toBeLessThanOrEqual(5);
  });
});
