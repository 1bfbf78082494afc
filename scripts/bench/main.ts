// `npm run bench`: measures this package against a one-GET-per-key baseline on the local endpoint,
// with no added latency and with 20 ms added to each response, prints every figure beside its target, and
// exits 1 when a target is missed. Targets are checked at 20 ms; the 0 ms figures are for reference.
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

import { startDynamicProviderHost, makeUrn } from "../../lib/harness";
import { hostProvider } from "../../lib/resource/providerHost";
import { withoutSettingsVariables } from "../../lib/settings/defaultSources";
import { startSimulator, type RunningSimulator } from "../../lib/simulator";
import { runBaseline } from "./baseline";
import { measureSerializedProvider } from "./serializedSize";
import { benchConfig, buildWorkload, type Lookup } from "./workloadData";

const ROOT = path.resolve(__dirname, "../..");
const CONCURRENCY = 16;
const HOST_SAMPLES = 60;
const RATE_LIMIT = 100;

interface Row {
  readonly figure: string;
  readonly noLatency: string;
  readonly withLatency: string;
  readonly target: string;
  readonly met: boolean | undefined;
}

const rows: Row[] = [];

async function main(): Promise<void> {
  console.error(`machine: ${os.cpus().length} cores (${os.cpus()[0]?.model ?? "unknown CPU"}), ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}`);

  const stack = buildWorkload(100, 10);
  const fast = await measureStackWorkload(stack.lookups, stack.data, 0);
  const slow = await measureStackWorkload(stack.lookups, stack.data, 20);

  rows.push(row("requests, 100 servers x 10 keys (this package)", fast.package.requests, slow.package.requests, "<= 100", slow.package.requests <= 100));
  rows.push(row("requests, 100 servers x 10 keys (baseline)", fast.baseline.requests, slow.baseline.requests, "", undefined));
  rows.push(row("wall time ms (this package)", fast.package.ms, slow.package.ms, "", undefined));
  rows.push(row("wall time ms (baseline)", fast.baseline.ms, slow.baseline.ms, "", undefined));
  const fastRatio = fast.package.ms / fast.baseline.ms;
  const slowRatio = slow.package.ms / slow.baseline.ms;
  rows.push(row("wall time ratio, package / baseline", fastRatio.toFixed(2), slowRatio.toFixed(2), "<= 0.50", slowRatio <= 0.5));
  rows.push(row("wrong values", fast.wrongValues, slow.wrongValues, "0", fast.wrongValues + slow.wrongValues === 0));

  const hostFast = await measureHostOverhead(0);
  const hostSlow = await measureHostOverhead(20);
  rows.push(row("one lookup, median ms (direct call)", hostFast.directMs.toFixed(2), hostSlow.directMs.toFixed(2), "", undefined));
  rows.push(row("one lookup, median ms (through the host)", hostFast.hostMs.toFixed(2), hostSlow.hostMs.toFixed(2), "", undefined));
  const hostRatio = hostSlow.hostMs / hostSlow.directMs;
  rows.push(row("host overhead ratio, host / direct", (hostFast.hostMs / hostFast.directMs).toFixed(2), hostRatio.toFixed(2), "<= 1.20", hostRatio <= 1.2));

  const serialized = measureSerializedProvider(ROOT);
  rows.push(row("serialized provider bytes (packed tarball)", serialized.bytes, serialized.bytes, "< 8192, requires the package", serialized.bytes < 8192 && serialized.requiresPackage));

  const memory = await measurePeakMemory();
  const memoryMb = memory.peakRssBytes / 2 ** 20;
  rows.push(row("peak RSS MB, 10,000 lookups", memoryMb.toFixed(1), "-", "< 150", memoryMb < 150 && memory.wrongValues === 0));

  const rate = await measureRateLimit();
  rows.push(row(`max requests in any 1 s, limit ${RATE_LIMIT}/s`, rate.maxInAnySecond, "-", `<= ${RATE_LIMIT}`, rate.maxInAnySecond <= RATE_LIMIT));

  printTable();
  console.log("Targets apply to the 20 ms column; the 0 ms column is for reference.");
  if (rows.some((entry) => entry.met === false)) {
    console.error("bench: a target was missed");
    process.exitCode = 1;
  }
}

function row(figure: string, noLatency: number | string, withLatency: number | string, target: string, met: boolean | undefined): Row {
  return { figure, noLatency: String(noLatency), withLatency: String(withLatency), target, met };
}

async function configureProvider(endpoint: string, extra: Record<string, string> = {}): Promise<void> {
  const config = benchConfig(endpoint, extra);
  await hostProvider.configure({ config: { get: (key: string) => config[key], require: (key: string) => config[key] } } as never);
}

async function measureStackWorkload(lookups: readonly Lookup[], data: ReturnType<typeof buildWorkload>["data"], latencyMs: number) {
  const simulator = await startSimulator({ data, latencyMs });
  try {
    await configureProvider(simulator.url);

    simulator.clearRequests();
    let started = performance.now();
    const results = await Promise.all(
      lookups.map((lookup) => hostProvider.create({ serverId: lookup.serverId, key: lookup.key, apiVersion: "v2.1" })),
    );
    const packageRun = { ms: Math.round(performance.now() - started), requests: simulator.requestCount };
    let wrongValues = results.filter((result, index) => result.outs?.value !== lookups[index].expected).length;

    simulator.clearRequests();
    started = performance.now();
    const baselineValues = await runBaseline(simulator.url, lookups, CONCURRENCY);
    const baselineRun = { ms: Math.round(performance.now() - started), requests: simulator.requestCount };
    wrongValues += baselineValues.filter((value, index) => value !== lookups[index].expected).length;

    return { package: packageRun, baseline: baselineRun, wrongValues };
  } finally {
    await simulator.close();
  }
}

async function measureHostOverhead(latencyMs: number): Promise<{ directMs: number; hostMs: number }> {
  const { data, lookups } = buildWorkload(1, 1);
  const simulator = await startSimulator({ data, latencyMs });
  const host = await startDynamicProviderHost({ cwd: ROOT, projectName: "bench", env: withoutSettingsVariables(process.env) });
  try {
    const config = benchConfig(simulator.url);
    await configureProvider(simulator.url);
    await host.client.configure(config);

    const providerText = execFileSync(process.execPath, [path.join(ROOT, "test/support/printSerializedProvider.js")], { cwd: ROOT, encoding: "utf8" });
    const inputs = { __provider: providerText, serverId: lookups[0].serverId, key: lookups[0].key, apiVersion: "v2.1" };
    const urn = makeUrn("bench", "bench", "pulumi-nodejs:dynamic/ecs-metadata:ServerMetadataKey", "probe");

    const { first: direct, second: hosted } = await sampleInterleaved(
      () => hostProvider.create(inputs),
      () => host.client.create(urn, inputs),
    );
    return { directMs: median(direct), hostMs: median(hosted) };
  } finally {
    await host.stop();
    await simulator.close();
  }
}

/**
 * Times two actions alternately, after a few warm-up runs of each, and returns their durations in
 * milliseconds. Alternating spreads the machine's changing load evenly over both.
 */
async function sampleInterleaved(first: () => Promise<unknown>, second: () => Promise<unknown>): Promise<{ first: number[]; second: number[] }> {
  for (let index = 0; index < 5; index += 1) {
    await first();
    await second();
  }
  const durations = { first: [] as number[], second: [] as number[] };
  for (let index = 0; index < HOST_SAMPLES; index += 1) {
    durations.first.push(await timed(first));
    durations.second.push(await timed(second));
  }
  return durations;
}

async function timed(action: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await action();
  return performance.now() - started;
}

async function measurePeakMemory(): Promise<{ peakRssBytes: number; wrongValues: number }> {
  const { data, lookups } = buildWorkload(1000, 10);
  const simulator = await startSimulator({ data });
  const inputFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "ecs-metadata-bench-")), "workload.json");
  try {
    fs.writeFileSync(inputFile, JSON.stringify({ config: benchConfig(simulator.url), lookups }));
    const output = await runChild([path.join(__dirname, "memoryWorkload.js"), inputFile]);
    return JSON.parse(output) as { peakRssBytes: number; wrongValues: number };
  } finally {
    await simulator.close();
    fs.rmSync(path.dirname(inputFile), { recursive: true, force: true });
  }
}

/** Runs a Node child process without blocking this process's event loop, which serves the simulator. */
function runChild(args: string[]): Promise<string> {
  const { execFile } = require("node:child_process") as typeof import("node:child_process");
  return new Promise((resolve, reject) => {
    execFile(process.execPath, args, { cwd: ROOT, env: withoutSettingsVariables(process.env), maxBuffer: 16 * 2 ** 20 }, (error, stdout, stderr) => {
      if (error) {
        reject(new Error(`${path.basename(args[0])} failed: ${stderr || error.message}`));
        return;
      }
      resolve(stdout);
    });
  });
}

async function measureRateLimit(): Promise<{ maxInAnySecond: number }> {
  const { data, lookups } = buildWorkload(300, 1);
  const arrivals: number[] = [];
  const simulator: RunningSimulator = await startSimulator({ data, log: () => arrivals.push(performance.now()) });
  try {
    await configureProvider(simulator.url, { "huaweicloud:maxRequestsPerSecond": String(RATE_LIMIT) });
    await Promise.all(lookups.map((lookup) => hostProvider.create({ serverId: lookup.serverId, key: lookup.key, apiVersion: "v2.1" })));
    return { maxInAnySecond: maxInWindow(arrivals, 1000) };
  } finally {
    await simulator.close();
  }
}

function maxInWindow(times: number[], windowMs: number): number {
  const sorted = [...times].sort((a, b) => a - b);
  let max = 0;
  let first = 0;
  for (let last = 0; last < sorted.length; last += 1) {
    while (sorted[last] - sorted[first] >= windowMs) {
      first += 1;
    }
    max = Math.max(max, last - first + 1);
  }
  return max;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}


function describeMet(met: boolean | undefined): string {
  if (met === undefined) {
    return "";
  }
  return met ? "yes" : "NO";
}

function printTable(): void {
  const header = ["figure", "0 ms", "20 ms", "target", "met"];
  const lines = rows.map((entry) => [entry.figure, entry.noLatency, entry.withLatency, entry.target, describeMet(entry.met)]);
  const widths = header.map((title, column) => Math.max(title.length, ...lines.map((line) => line[column].length)));
  const format = (cells: string[]) => "| " + cells.map((cell, column) => cell.padEnd(widths[column])).join(" | ") + " |";
  console.log(format(header));
  console.log("|" + widths.map((width) => "-".repeat(width + 2)).join("|") + "|");
  for (const line of lines) {
    console.log(format(line));
  }
}

main().catch((error: unknown) => {
  console.error(`bench failed: ${error instanceof Error ? error.stack : String(error)}`);
  process.exitCode = 1;
});
