// Shared set-up of the reliability tests: a local ECS endpoint with fault injection and a client with small backoff.
import path from "node:path";

import { EcsClient, type EcsClientOptions, type MetadataKeyTarget } from "../../provider/client";
import { loadSimulatorData, type RunningSimulator, type SimulatorData } from "../../provider/simulator";

/** Data file of the local endpoint: one server with the keys `role`, `tier name` and `app:env`. */
export const DATA: SimulatorData = loadSimulatorData(path.resolve(__dirname, "../fixtures/simulator/data.json"));

export const PROJECT_ID = DATA.projects[0].id;
export const SERVER_ID = DATA.projects[0].servers[0].id;
export const CREDENTIALS = DATA.credentials[0];

/** Target of the key `role`, whose value is `web`. */
export const ROLE_TARGET: MetadataKeyTarget = { apiVersion: "v2.1", projectId: PROJECT_ID, serverId: SERVER_ID, key: "role" };

/** Retry settings small enough for unit tests: up to 3 retries, backoff steps of at most 20 ms. */
export const FAST_RETRIES = { maxRetries: 3, baseDelayMs: 5, maxDelayMs: 20, timeoutMs: 300, deadlineMs: 5_000 } as const;

/** Creates a client of the simulator with {@link FAST_RETRIES} and any overrides. */
export function createClient(simulator: RunningSimulator, overrides: Partial<EcsClientOptions> = {}): EcsClient {
  return new EcsClient({ endpoint: simulator.url, credentials: CREDENTIALS, ...FAST_RETRIES, ...overrides });
}

/**
 * Waits until the simulator has recorded at least `count` requests, or `timeoutMs` passes. A request
 * that a client gave up on is recorded only when the simulator responds to it, which can be later.
 */
export async function waitForRequestCount(simulator: RunningSimulator, count: number, timeoutMs = 2_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (simulator.requestCount < count && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** Runs `action` and returns its error, or fails when it resolves. */
export async function errorOf(action: () => Promise<unknown>): Promise<Error> {
  try {
    await action();
  } catch (error) {
    return error as Error;
  }
  throw new Error("expected the lookup to fail");
}
