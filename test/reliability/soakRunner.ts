// Soak of many lookups against the local endpoint with random injected faults; the jest test and scripts/soak.ts both run it.
import { performance } from "node:perf_hooks";

import { EcsClient, destroyKeepAliveAgents } from "../../provider/client";
import { startSimulator, type FaultRule, type FaultStep } from "../../provider/simulator";
import { CREDENTIALS, DATA, PROJECT_ID, ROLE_TARGET, SERVER_ID } from "./reliabilityFixtures";

/** Settings of one soak run. */
export interface SoakOptions {
  readonly lookups: number;
  /** Share of requests that get an injected fault, from 0 to 1. */
  readonly faultRate: number;
  /** Lookups in flight at once. */
  readonly concurrency: number;
  /** Seed of the fault draws and of the key choice, so a failing run can be repeated. */
  readonly seed: number;
  /** Time limit of each lookup in milliseconds. */
  readonly deadlineMs: number;
}

/** Figures of one soak run. */
export interface SoakReport {
  readonly lookups: number;
  readonly succeeded: number;
  /** Lookups that returned a value other than the one the server holds; must be 0. */
  readonly wrongValues: number;
  /** Lookups that ended later than their deadline plus {@link DEADLINE_SLACK_MS}; must be 0. */
  readonly overruns: number;
  /** Failed lookups by error class name. */
  readonly failures: Readonly<Record<string, number>>;
  /** Requests the simulator received, and how many of them got a fault. */
  readonly requests: number;
  readonly faultedRequests: number;
  readonly maxLookupMs: number;
  readonly p99LookupMs: number;
  readonly totalMs: number;
}

/**
 * Time a lookup may run past its deadline before the soak counts an overrun: timers fire late under
 * load, and the response being read when the deadline fires still has to be dropped.
 */
export const DEADLINE_SLACK_MS = 250;

const KEY_COUNT = 60;

/** Faults and their share of all faults; the values of `share` add up to 1. */
const FAULT_MIX: readonly { readonly name: string; readonly share: number; readonly step: FaultStep }[] = [
  { name: "503", share: 0.2, step: { action: "respond", status: 503, body: { computeFault: { message: "busy", code: 503 } } } },
  { name: "502 html", share: 0.1, step: { action: "respond", status: 502, body: "<html><body>Bad Gateway</body></html>" } },
  { name: "500", share: 0.05, step: { action: "respond", status: 500 } },
  { name: "429", share: 0.1, step: { action: "respond", status: 429, headers: { "Retry-After": "0" } } },
  { name: "reset", share: 0.15, step: { action: "reset" } },
  { name: "truncate", share: 0.15, step: { action: "truncate" } },
  { name: "slow", share: 0.05, step: { action: "pass", delayMs: 400 } },
  { name: "200 html", share: 0.05, step: { action: "respond", status: 200, body: "<html>maintenance</html>" } },
  { name: "200 other key", share: 0.05, step: { action: "respond", status: 200, body: { meta: { "soak decoy": "decoy" } } } },
  {
    name: "200 duplicate key",
    share: 0.05,
    step: { action: "respond", status: 200, body: '{"meta": {"soak decoy": "a", "soak decoy": "b"}}', headers: { "Content-Type": "application/json" } },
  },
  { name: "200 number", share: 0.05, step: { action: "respond", status: 200, body: { meta: { "soak decoy": 1 } } } },
];

/** Returns a seeded pseudo-random generator (mulberry32) of numbers in [0, 1). */
export function createRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Builds one fault rule per kind of fault. Rules are tried in order and each draws on its own, so
 * each rule's probability is its share of what the earlier rules left, which makes the total `faultRate`.
 */
function buildFaultRules(faultRate: number): FaultRule[] {
  let remaining = 1;
  return FAULT_MIX.map((fault) => {
    const absolute = faultRate * fault.share;
    const probability = Math.min(1, absolute / remaining);
    remaining -= absolute;
    return { name: fault.name, steps: [fault.step], repeat: true, probability };
  });
}

/** Runs the soak and returns its figures; it asserts nothing, so callers decide what fails. */
export async function runSoak(options: SoakOptions): Promise<SoakReport> {
  const random = createRandom(options.seed);
  const simulator = await startSimulator({ data: DATA, random: createRandom(options.seed + 1) });

  const keys = Array.from({ length: KEY_COUNT }, (_, index) => `soak key ${index}`);
  const expected = new Map(keys.map((key, index) => [key, `value ${index} ${"é".repeat(index % 7)} ${Math.floor(random() * 1e9)}`]));
  for (const [key, value] of expected) {
    simulator.setMetadata(PROJECT_ID, SERVER_ID, key, value);
  }
  simulator.addFaults(buildFaultRules(options.faultRate));

  const client = new EcsClient({
    endpoint: simulator.url,
    credentials: CREDENTIALS,
    maxRetries: 5,
    baseDelayMs: 2,
    maxDelayMs: 20,
    timeoutMs: 300,
    deadlineMs: options.deadlineMs,
    random,
  });

  let succeeded = 0;
  let wrongValues = 0;
  let overruns = 0;
  const failures: Record<string, number> = {};
  const durations: number[] = [];
  let next = 0;
  const startedAt = performance.now();

  const worker = async () => {
    while (next < options.lookups) {
      next += 1;
      const key = keys[Math.floor(random() * keys.length)];
      const lookupStartedAt = performance.now();
      try {
        const value = await client.getMetadataKey({ ...ROLE_TARGET, key });
        if (value === expected.get(key)) {
          succeeded += 1;
        } else {
          wrongValues += 1;
        }
      } catch (error) {
        const name = (error as Error).name;
        failures[name] = (failures[name] ?? 0) + 1;
      }
      const duration = performance.now() - lookupStartedAt;
      durations.push(duration);
      if (duration > options.deadlineMs + DEADLINE_SLACK_MS) {
        overruns += 1;
      }
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, worker));
  const totalMs = performance.now() - startedAt;

  // Requests that a client gave up on are recorded when the simulator responds to them, so wait for those.
  await new Promise((resolve) => setTimeout(resolve, 200));
  const requests = simulator.requestCount;
  const faultedRequests = simulator.requests.filter((request) => request.fault !== undefined).length;
  await simulator.close();
  destroyKeepAliveAgents();

  durations.sort((a, b) => a - b);
  return {
    lookups: options.lookups,
    succeeded,
    wrongValues,
    overruns,
    failures,
    requests,
    faultedRequests,
    maxLookupMs: Math.round(durations[durations.length - 1] ?? 0),
    p99LookupMs: Math.round(durations[Math.floor(durations.length * 0.99)] ?? 0),
    totalMs: Math.round(totalMs),
  };
}
