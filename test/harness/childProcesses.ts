// Helpers of the harness tests: run the harness CLI in a child process, and find processes by an environment marker.
import { spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { readFileSync, readdirSync } from "node:fs";
import path from "node:path";

/** Repository root, the working directory of the CLI and of the dynamic-provider host. */
export const REPOSITORY_ROOT = path.resolve(__dirname, "../..");

/** Folder of the harness fixtures. */
export const FIXTURES = path.join(REPOSITORY_ROOT, "test/fixtures/harness");

/** Environment variable whose value marks the processes that one test started, down to the host. */
const MARKER_VARIABLE = "HARNESS_TEST_MARKER";

/** Time a CLI run may take before the test kills it, in milliseconds. */
const CLI_TIMEOUT_MS = 45_000;

/** Exit code and output of a finished CLI run. */
export interface CliRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  /** Marker in the environment of the CLI and of every process it started. */
  readonly marker: string;
}

/**
 * Runs `provider/harness/cli.ts` through ts-node, so the tests need no build, and resolves when the CLI process
 * exits on its own. The CLI never calls `process.exit`, so a host left running would keep it alive and time out.
 */
export function runHarnessCli(args: readonly string[]): Promise<CliRun> {
  const marker = randomUUID();
  const child = spawn(
    process.execPath,
    ["-r", "ts-node/register/transpile-only", path.join(REPOSITORY_ROOT, "provider/harness/cli.ts"), ...args],
    { cwd: REPOSITORY_ROOT, env: { ...process.env, [MARKER_VARIABLE]: marker }, stdio: ["ignore", "pipe", "pipe"] },
  );
  let stdout = "";
  let stderr = "";
  child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));

  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`harness CLI did not exit within ${CLI_TIMEOUT_MS} ms; stderr: ${stderr}`));
    }, CLI_TIMEOUT_MS);
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, marker });
    });
  });
}

/** Returns an environment with a fresh marker, for processes that {@link findMarkedProcesses} should find. */
export function markedEnvironment(): { env: NodeJS.ProcessEnv; marker: string } {
  const marker = randomUUID();
  return { env: { ...process.env, [MARKER_VARIABLE]: marker }, marker };
}

/** Returns the ids of the running processes whose environment contains the marker (Linux `/proc` only). */
export function findMarkedProcesses(marker: string): number[] {
  const expected = `${MARKER_VARIABLE}=${marker}`;
  const found: number[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) {
      continue;
    }
    let environment: string;
    try {
      environment = readFileSync(`/proc/${entry}/environ`, "latin1");
    } catch {
      // The process ended, or belongs to another user.
      continue;
    }
    if (environment.split("\0").includes(expected)) {
      found.push(Number(entry));
    }
  }
  return found;
}

/** Returns whether a process with this id is running. */
export function isProcessRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}
