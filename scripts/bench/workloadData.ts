// Generated data of the benchmark's local endpoint: servers with numbered keys.
import type { SimulatorData } from "../../lib/simulator";

export const PROJECT_ID = "0123456789abcdef0123456789abcdef";
export const REGION = "cn-north-4";
export const CREDENTIALS = { accessKey: "BENCHACCESSKEY000001", secretKey: "bench-secret-key-for-the-local-endpoint" };

/** One lookup of the workload and the value it must return. */
export interface Lookup {
  readonly serverId: string;
  readonly key: string;
  readonly expected: string;
}

/** Returns the server id of server number `index`, a valid UUID. */
export function serverIdOf(index: number): string {
  const hex = index.toString(16).padStart(12, "0");
  return `00000000-0000-4000-8000-${hex}`;
}

/** Builds data with `servers` servers of `keysPerServer` keys each, and the lookups of every key. */
export function buildWorkload(servers: number, keysPerServer: number): { data: SimulatorData; lookups: Lookup[] } {
  const lookups: Lookup[] = [];
  const serverEntries = [];
  for (let server = 0; server < servers; server += 1) {
    const id = serverIdOf(server);
    const metadata: Record<string, string> = {};
    for (let key = 0; key < keysPerServer; key += 1) {
      metadata[`key-${key}`] = `value-${server}-${key}`;
      lookups.push({ serverId: id, key: `key-${key}`, expected: `value-${server}-${key}` });
    }
    serverEntries.push({ id, name: `server-${server}`, status: "ACTIVE" as const, metadata });
  }

  const data = {
    credentials: [CREDENTIALS],
    projects: [{ id: PROJECT_ID, region: REGION, servers: serverEntries }],
  } as unknown as SimulatorData;
  return { data, lookups };
}

/** Stack config that points the provider at `endpoint` with the benchmark credentials. */
export function benchConfig(endpoint: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    "huaweicloud:accessKey": CREDENTIALS.accessKey,
    "huaweicloud:secretKey": CREDENTIALS.secretKey,
    "huaweicloud:region": REGION,
    "huaweicloud:projectId": PROJECT_ID,
    "huaweicloud:endpoints": JSON.stringify({ ecs: endpoint }),
    ...extra,
  };
}
