// The benchmark's baseline: what peer tools do, one keep-alive GET per key with plain Node http.
import http from "node:http";

import { signRequest } from "../../lib/signer";
import { CREDENTIALS, Lookup, PROJECT_ID } from "./workloadData";

/** Looks up every key with one signed single-key GET each, at most `concurrency` at a time, and returns the values. */
export async function runBaseline(endpoint: string, lookups: readonly Lookup[], concurrency: number): Promise<string[]> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
  try {
    return await Promise.all(lookups.map((lookup) => getValue(endpoint, lookup, agent)));
  } finally {
    agent.destroy();
  }
}

function getValue(endpoint: string, lookup: Lookup, agent: http.Agent): Promise<string> {
  const path = `/v2.1/${PROJECT_ID}/servers/${lookup.serverId}/metadata/${encodeURIComponent(lookup.key)}`;
  const url = new URL(endpoint + path);
  const headers = signRequest({ method: "GET", url }, CREDENTIALS, { now: new Date() });

  return new Promise((resolve, reject) => {
    const request = http.get(url, { agent, headers }, (response) => {
      let body = "";
      response.setEncoding("utf8");
      response.on("data", (chunk: string) => (body += chunk));
      response.on("end", () => {
        if (response.statusCode !== 200) {
          reject(new Error(`baseline GET ${path} returned ${response.statusCode}: ${body}`));
          return;
        }
        resolve((JSON.parse(body) as { meta: Record<string, string> }).meta[lookup.key]);
      });
    });
    request.on("error", reject);
  });
}
