#!/usr/bin/env node
import { parseArgs } from "node:util";

import { loadSimulatorData } from "./dataFile";
import { MAX_LATENCY_MS, startSimulator, type RunningSimulator } from "./server";

const USAGE = `Usage: ecs-metadata-sim --data FILE [--port PORT] [--host ADDRESS] [--latency-ms MS]

Serves the Huawei Cloud ECS server metadata calls (Nova-compatible, /v2 and /v2.1) with AK/SK
signature checks, from the credentials, projects and servers in a JSON data file. Writes change
only the in-memory copy, never the file.

Options:
  --data FILE        JSON data file with credentials, projects and servers (required)
  --port PORT        TCP port to listen on; 0 picks a free port (default: 0)
  --host ADDRESS     address to listen on (default: 127.0.0.1)
  --latency-ms MS    delay added before every response, 0 to 600000 milliseconds (default: 0)
  -h, --help         print this help and exit

The first line on stdout is the base URL, such as http://127.0.0.1:40123. One line per request
goes to stderr. SIGINT or SIGTERM stops the simulator.

Exit status: 0 after a signal, 1 when the data file is invalid or the port cannot be bound,
2 for invalid arguments.`;

/** Settings read from the command line. */
export interface CliSettings {
  readonly dataFile: string;
  readonly host: string;
  readonly port: number;
  readonly latencyMs: number;
}

/** Error for invalid command-line arguments, which exit with status 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}

/**
 * Parses the command-line arguments (without the node executable and script path).
 * Returns `"help"` for `--help`.
 *
 * @throws {@link UsageError} for an unknown option, a missing `--data` or an invalid number.
 */
export function parseCliArguments(args: readonly string[]): CliSettings | "help" {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...args],
      allowPositionals: false,
      strict: true,
      options: {
        data: { type: "string" },
        port: { type: "string", default: "0" },
        host: { type: "string", default: "127.0.0.1" },
        "latency-ms": { type: "string", default: "0" },
        help: { type: "boolean", short: "h", default: false },
      },
    }));
  } catch (error) {
    throw new UsageError((error as Error).message);
  }

  if (values.help) {
    return "help";
  }
  if (values.data === undefined || values.data === "") {
    throw new UsageError("Missing --data FILE: name the JSON data file to serve.");
  }

  return {
    dataFile: values.data,
    host: values.host,
    port: parseInteger("--port", values.port, 65535),
    latencyMs: parseInteger("--latency-ms", values["latency-ms"], MAX_LATENCY_MS),
  };
}

function parseInteger(option: string, text: string, max: number): number {
  const value = /^\d+$/.test(text) ? Number(text) : Number.NaN;
  if (!Number.isSafeInteger(value) || value > max) {
    throw new UsageError(`Invalid ${option} "${text}": use a whole number from 0 to ${max}.`);
  }
  return value;
}

/** Writes a log line to stderr with an ISO 8601 timestamp in front. */
function logLine(line: string): void {
  process.stderr.write(`${new Date().toISOString()} ${line}\n`);
}

/** Runs the command and resolves with the exit status, once the simulator has stopped after a signal. */
async function main(args: readonly string[]): Promise<number> {
  let settings: CliSettings | "help";
  try {
    settings = parseCliArguments(args);
  } catch (error) {
    process.stderr.write(`ecs-metadata-sim: ${(error as Error).message}\nRun ecs-metadata-sim --help for usage.\n`);
    return 2;
  }
  if (settings === "help") {
    process.stdout.write(USAGE + "\n");
    return 0;
  }

  // Handlers go in before the URL is printed: a caller may send a signal as soon as it reads the URL.
  const stopSignal = waitForStopSignal();

  let simulator: RunningSimulator;
  try {
    const data = loadSimulatorData(settings.dataFile);
    simulator = await startSimulator({ data, host: settings.host, port: settings.port, latencyMs: settings.latencyMs, log: logLine });
  } catch (error) {
    process.stderr.write(`ecs-metadata-sim: ${describeStartError(error, settings)}\n`);
    return 1;
  }

  process.stdout.write(simulator.url + "\n");
  logLine(`Listening on ${simulator.url} with data from ${settings.dataFile}, latency ${settings.latencyMs} ms.`);

  const signal = await stopSignal;
  logLine(`Received ${signal}; stopping.`);
  await simulator.close();
  logLine("Stopped.");
  return 0;
}

/** Returns the message for a failed start, with the next step for a port that another process holds. */
function describeStartError(error: unknown, settings: CliSettings): string {
  if ((error as NodeJS.ErrnoException).code === "EADDRINUSE") {
    return `port ${settings.port} on ${settings.host} is in use; pass --port 0 to pick a free port or stop the other process`;
  }
  return (error as Error).message;
}

/** Resolves with the name of the first SIGINT or SIGTERM; a second signal exits at once with status 1. */
function waitForStopSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    let received = false;
    const onSignal = (signal: NodeJS.Signals): void => {
      if (received) {
        logLine(`Received ${signal} again; exiting without waiting for requests in progress.`);
        process.exit(1);
      }
      received = true;
      resolve(signal);
    };
    process.on("SIGINT", onSignal);
    process.on("SIGTERM", onSignal);
  });
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (status) => {
      process.exitCode = status;
    },
    (error: unknown) => {
      process.stderr.write(`ecs-metadata-sim: ${(error as Error).stack ?? String(error)}\n`);
      process.exitCode = 1;
    },
  );
}
