import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";

import { DynamicProviderClient, type DynamicProviderClientOptions } from "./dynamicProviderClient";

/** Module that the engine starts for `pulumi-nodejs:dynamic` resources, resolved from the host's working directory. */
const HOST_MODULE = "@pulumi/pulumi/cmd/dynamic-provider";

/**
 * Engine address passed to the host. The host requires the argument but never dials it, so the harness passes
 * a port on 127.0.0.1 that nothing listens on.
 */
const UNUSED_ENGINE_ADDRESS = "127.0.0.1:1";

const DEFAULT_START_TIMEOUT_MS = 30_000;
const DEFAULT_STOP_TIMEOUT_MS = 5_000;

/** Options of {@link startDynamicProviderHost}. */
export interface DynamicProviderHostOptions {
  /**
   * Working directory of the host, which the engine sets to the project directory. The host resolves
   * `@pulumi/pulumi` from it, and also every bare `require("...")` in serialized provider text.
   */
  readonly cwd: string;
  /** Project name, passed as `PULUMI_NODEJS_PROJECT`, which the host puts before config keys without a namespace. */
  readonly projectName: string;
  /** Environment of the host, plus `PULUMI_NODEJS_PROJECT`. Defaults to this process's environment. */
  readonly env?: NodeJS.ProcessEnv;
  /** Time to wait for the host to print its port, in milliseconds. Defaults to 30 000. */
  readonly startTimeoutMs?: number;
  /** Options of the returned client. */
  readonly clientOptions?: DynamicProviderClientOptions;
}

/** Running dynamic-provider host and a client connected to it. */
export interface DynamicProviderHost {
  /** Client connected to the host's gRPC server. */
  readonly client: DynamicProviderClient;
  /** Port of the host's gRPC server on 127.0.0.1. */
  readonly port: number;
  /** Process id of the host. */
  readonly pid: number;
  /**
   * Returns everything the host has written to stderr so far. The host of `@pulumi/pulumi` 3.276 logs there the
   * errors of `check`, `diff`, `read` and `delete`, but not those of `create` and `update`.
   */
  stderr(): string;
  /** Returns what the host has written to stdout after its port line, such as `console.log` output of the provider. */
  stdout(): string;
  /**
   * Closes the client and stops the host with SIGTERM, then with SIGKILL if it is still running after 5 seconds.
   * Resolves once the host process has exited. Calling it again returns the same promise.
   */
  stop(): Promise<void>;
}

/**
 * Starts the dynamic-provider host of `@pulumi/pulumi` as the engine does (`node <host module> <engine address>`),
 * waits for the port it prints as its first stdout line, and connects a {@link DynamicProviderClient} to it.
 * Rejects when the host module cannot be resolved from `cwd`, when the host exits first, or when no port arrives
 * within the start timeout. The error message then contains the host's stderr.
 */
export async function startDynamicProviderHost(options: DynamicProviderHostOptions): Promise<DynamicProviderHost> {
  const hostModulePath = resolveHostModule(options.cwd);
  const child = spawn(process.execPath, [hostModulePath, UNUSED_ENGINE_ADDRESS], {
    cwd: options.cwd,
    env: { ...(options.env ?? process.env), PULUMI_NODEJS_PROJECT: options.projectName },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const output = collectOutput(child);

  let port: number;
  try {
    port = await waitForPort(child, output, options.startTimeoutMs ?? DEFAULT_START_TIMEOUT_MS);
  } catch (error) {
    await stopProcess(child);
    throw error;
  }

  const client = new DynamicProviderClient(`127.0.0.1:${port}`, options.clientOptions);
  let stopping: Promise<void> | undefined;
  return {
    client,
    port,
    pid: child.pid!,
    stderr: () => output.stderr,
    stdout: () => output.stdoutAfterFirstLine,
    stop: () => {
      stopping ??= (async () => {
        client.close();
        await stopProcess(child);
      })();
      return stopping;
    },
  };
}

function resolveHostModule(cwd: string): string {
  try {
    return require.resolve(HOST_MODULE, { paths: [cwd] });
  } catch (error) {
    throw new Error(
      `cannot start the dynamic-provider host: ${HOST_MODULE} was not found from ${cwd}; ` +
        `install @pulumi/pulumi in that directory or pass a cwd that has it`,
      { cause: error },
    );
  }
}

interface HostOutput {
  /** Resolves with the first stdout line, which contains the port. */
  readonly firstLine: Promise<string>;
  stdoutAfterFirstLine: string;
  stderr: string;
}

function collectOutput(child: ChildProcess): HostOutput {
  let resolveFirstLine!: (line: string) => void;
  const output: HostOutput = {
    firstLine: new Promise((resolve) => (resolveFirstLine = resolve)),
    stdoutAfterFirstLine: "",
    stderr: "",
  };
  let firstLineBuffer: string | undefined = "";
  child.stdout!.setEncoding("utf8");
  child.stderr!.setEncoding("utf8");

  child.stdout!.on("data", (chunk: string) => {
    if (firstLineBuffer === undefined) {
      output.stdoutAfterFirstLine += chunk;
      return;
    }
    firstLineBuffer += chunk;
    const newline = firstLineBuffer.indexOf("\n");
    if (newline >= 0) {
      resolveFirstLine(firstLineBuffer.slice(0, newline).trim());
      output.stdoutAfterFirstLine = firstLineBuffer.slice(newline + 1);
      firstLineBuffer = undefined;
    }
  });
  child.stderr!.on("data", (chunk: string) => {
    output.stderr += chunk;
  });
  return output;
}

async function waitForPort(child: ChildProcess, output: HostOutput, timeoutMs: number): Promise<number> {
  const describeStderr = () => (output.stderr.trim() === "" ? "(empty)" : output.stderr.trim());
  let timer: NodeJS.Timeout | undefined;
  const abort = new AbortController();

  const failures = [
    once(child, "exit", { signal: abort.signal }).then(([code, signal]) => {
      const status = signal === null ? `exit code ${code}` : `signal ${signal}`;
      throw new Error(`dynamic-provider host exited with ${status} before printing its port; stderr: ${describeStderr()}`);
    }),
    once(child, "error", { signal: abort.signal }).then(([error]: Error[]) => {
      throw new Error(`failed to start the dynamic-provider host: ${error.message}`, { cause: error });
    }),
    new Promise<never>((_resolve, reject) => {
      timer = setTimeout(() => {
        reject(
          new Error(
            `timed out after ${timeoutMs} ms waiting for the dynamic-provider host to print its port; ` +
              `stderr: ${describeStderr()}`,
          ),
        );
      }, timeoutMs);
    }),
  ];
  // The losing promises reject later, when the abort signal fires, and those rejections are not errors.
  for (const failure of failures) {
    failure.catch(() => undefined);
  }

  try {
    const line = await Promise.race([output.firstLine, ...failures]);
    const port = Number(line);
    if (!/^\d+$/.test(line) || port <= 0 || port > 65535) {
      throw new Error(`dynamic-provider host printed "${line}" instead of a port; stderr: ${describeStderr()}`);
    }
    return port;
  } finally {
    clearTimeout(timer);
    abort.abort();
  }
}

async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) {
    return;
  }
  const exited = once(child, "exit");
  child.kill("SIGTERM");
  const killTimer = setTimeout(() => child.kill("SIGKILL"), DEFAULT_STOP_TIMEOUT_MS);
  try {
    await exited;
  } finally {
    clearTimeout(killTimer);
  }
}
