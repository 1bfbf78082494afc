import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { once } from "node:events";
import { createServer } from "node:net";
import { resolve } from "node:path";
import { createInterface } from "node:readline";

import { DATA_FILE, PROJECT_ID, WEB_SERVER_ID, metadataPath, sendSigned } from "../../test/fixtures/simulator/signedHttp";
import { UsageError, parseCliArguments } from "./cli";
import { MAX_LATENCY_MS } from "./server";

const REPO_ROOT = resolve(__dirname, "../..");
const CLI_SOURCE = resolve(__dirname, "cli.ts");

/** Starts the command from its TypeScript source with ts-node, as `ecs-metadata-sim` would run. */
function spawnCli(args: readonly string[]): ChildProcessWithoutNullStreams {
  return spawn(process.execPath, ["-r", "ts-node/register/transpile-only", CLI_SOURCE, ...args], {
    cwd: REPO_ROOT,
    stdio: "pipe",
  });
}

interface CompletedRun {
  readonly exitCode: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

async function runCli(args: readonly string[]): Promise<CompletedRun> {
  const child = spawnCli(args);
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString("utf8")));
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString("utf8")));

  const [exitCode] = (await once(child, "exit")) as [number | null];
  return { exitCode, stdout, stderr };
}

async function readFirstLine(child: ChildProcessWithoutNullStreams): Promise<string> {
  const lines = createInterface({ input: child.stdout });
  const [line] = (await once(lines, "line")) as [string];
  lines.close();
  return line;
}

describe("ecs-metadata-sim command", () => {
  let child: ChildProcessWithoutNullStreams | undefined;
  let stderr: string;

  async function startCli(): Promise<string> {
    stderr = "";
    child = spawnCli(["--data", DATA_FILE]);
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString("utf8")));
    return readFirstLine(child);
  }

  afterEach(async () => {
    if (child !== undefined && child.exitCode === null && child.signalCode === null) {
      const exited = once(child, "exit");
      child.kill("SIGKILL");
      await exited;
    }
    child = undefined;
  });

  it("prints the loopback URL as the first stdout line", async () => {
    const url = await startCli();

    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  it("serves a signed request", async () => {
    const url = await startCli();

    const result = await sendSigned(url, { method: "GET", path: metadataPath("v2", PROJECT_ID, WEB_SERVER_ID, "role"), signedAt: new Date() });

    expect(result.json).toEqual({ meta: { role: "web" } });
  });

  it("logs each request to stderr", async () => {
    const url = await startCli();
    const path = metadataPath("v2", PROJECT_ID, WEB_SERVER_ID, "role");
    const result = await sendSigned(url, { method: "GET", path, signedAt: new Date() });
    const exited = once(child!, "exit");
    child!.kill("SIGTERM");
    await exited;

    expect(stderr).toContain(`GET ${path} 200 request_id=${result.headers["x-request-id"]}`);
  });

  it.each(["SIGTERM", "SIGINT"] as const)("exits with status 0 on %s", async (signal) => {
    await startCli();
    const exited = once(child!, "exit");
    child!.kill(signal);
    const [exitCode] = (await exited) as [number | null];

    expect(exitCode).toBe(0);
  });

  it("prints usage for --help", async () => {
    const run = await runCli(["--help"]);

    expect(run.exitCode).toBe(0);
    expect(run.stdout).toContain("Usage: ecs-metadata-sim --data FILE");
  });

  it("exits with status 2 for an invalid port", async () => {
    const run = await runCli(["--data", DATA_FILE, "--port", "http"]);

    expect(run.exitCode).toBe(2);
    expect(run.stderr).toContain('Invalid --port "http"');
  });

  it("exits with status 2 for a latency above the maximum", async () => {
    const run = await runCli(["--data", DATA_FILE, "--latency-ms", "3000000000"]);

    expect(run.exitCode).toBe(2);
    expect(run.stderr).toContain(`Invalid --latency-ms "3000000000": use a whole number from 0 to ${MAX_LATENCY_MS}.`);
  });

  it("exits with status 1 and a next step for a port in use", async () => {
    const blocker = createServer();
    await new Promise<void>((resolveListen) => blocker.listen(0, "127.0.0.1", resolveListen));
    const port = (blocker.address() as { port: number }).port;

    try {
      const run = await runCli(["--data", DATA_FILE, "--port", String(port)]);

      expect(run.exitCode).toBe(1);
      expect(run.stderr).toBe(`ecs-metadata-sim: port ${port} on 127.0.0.1 is in use; pass --port 0 to pick a free port or stop the other process\n`);
    } finally {
      await new Promise((resolveClose) => blocker.close(resolveClose));
    }
  });

  it("exits with status 1 for an invalid data file and names it", async () => {
    const dataFile = resolve(REPO_ROOT, "test/fixtures/simulator/invalid-metadata-value.json");
    const run = await runCli(["--data", dataFile]);

    expect(run.exitCode).toBe(1);
    expect(run.stderr).toContain(`Invalid simulator data in ${dataFile}`);
  });
});

describe("parseCliArguments", () => {
  it("applies the defaults", () => {
    expect(parseCliArguments(["--data", "data.json"])).toEqual({ dataFile: "data.json", host: "127.0.0.1", port: 0, latencyMs: 0 });
  });

  it("reads every option", () => {
    const settings = parseCliArguments(["--data", "d.json", "--port", "8080", "--host", "127.0.0.1", "--latency-ms", "20"]);

    expect(settings).toEqual({ dataFile: "d.json", host: "127.0.0.1", port: 8080, latencyMs: 20 });
  });

  it("accepts the maximum latency", () => {
    expect(parseCliArguments(["--data", "d.json", "--latency-ms", "600000"])).toMatchObject({ latencyMs: 600_000 });
  });

  it("returns help for -h", () => {
    expect(parseCliArguments(["-h"])).toBe("help");
  });

  it.each<[string, string[], string]>([
    ["a missing --data", [], "Missing --data FILE"],
    ["an unknown option", ["--data", "d.json", "--verbose"], "--verbose"],
    ["a positional argument", ["--data", "d.json", "extra"], "extra"],
    ["a port above 65535", ["--data", "d.json", "--port", "65536"], 'Invalid --port "65536"'],
    ["a negative latency", ["--data", "d.json", "--latency-ms=-5"], 'Invalid --latency-ms "-5"'],
    ["a fractional latency", ["--data", "d.json", "--latency-ms", "2.5"], 'Invalid --latency-ms "2.5"'],
    ["a latency above the maximum", ["--data", "d.json", "--latency-ms", "600001"], 'Invalid --latency-ms "600001": use a whole number from 0 to 600000.'],
  ])("rejects %s", (_case, args, expectedMessage) => {
    expect(() => parseCliArguments(args)).toThrow(expectedMessage);
  });

  it("raises UsageError for invalid arguments", () => {
    expect(() => parseCliArguments(["--port"])).toThrow(UsageError);
  });
});
