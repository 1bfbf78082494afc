import { spawn } from "node:child_process";

/** Type token of `local.Command` from `@pulumi/command`. */
export const LOCAL_COMMAND_TYPE = "command:local:Command";

/** Interpreter that `@pulumi/command` uses on Linux and macOS when `interpreter` is not set. */
const DEFAULT_INTERPRETER = ["/bin/sh", "-c"];

/** Outputs of a `local.Command` after its `create` script ran. */
export interface LocalCommandOutputs {
  /** Standard output of the script, with one trailing newline removed. */
  readonly stdout: string;
  /** Standard error of the script, with one trailing newline removed. */
  readonly stderr: string;
}

/**
 * Runs the `create` script of a `local.Command` and returns its inputs plus `stdout` and `stderr`.
 * It uses `create`, `dir`, `environment`, `interpreter` and `stdin`, and copies other inputs to the state
 * unchanged. When `create` is not set, nothing runs and the state is the inputs. The script's environment is
 * `baseEnv` plus the `environment` input. Rejects when the script exits with a non-zero status or a signal.
 *
 * NOTE: this emulates the `command` provider plugin, a native binary that cannot be downloaded here.
 */
export async function runLocalCommand(
  name: string,
  inputs: Record<string, unknown>,
  baseEnv: NodeJS.ProcessEnv = process.env,
): Promise<Record<string, unknown>> {
  if (inputs.create === undefined || inputs.create === null) {
    return { ...inputs };
  }

  const script = requireString(name, "create", inputs.create);
  const [program, ...interpreterArgs] = readInterpreter(name, inputs.interpreter);
  const environment = readEnvironment(name, inputs.environment);
  const cwd = inputs.dir === undefined || inputs.dir === null ? process.cwd() : requireString(name, "dir", inputs.dir);
  const stdin = inputs.stdin === undefined || inputs.stdin === null ? "" : requireString(name, "stdin", inputs.stdin);

  const child = spawn(program, [...interpreterArgs, script], {
    cwd,
    env: { ...baseEnv, ...environment },
    stdio: [stdin === "" ? "ignore" : "pipe", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout!.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
  child.stderr!.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
  let stdinError: Error | undefined;
  if (child.stdin !== null) {
    // A script may exit without reading all of stdin. Like the plugin, treat the closed pipe as no error.
    child.stdin.on("error", (error: NodeJS.ErrnoException) => {
      if (error.code !== "EPIPE") {
        stdinError = error;
      }
    });
    child.stdin.end(stdin);
  }

  const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve, reject) => {
    child.on("error", (error) =>
      reject(new Error(`command ${name}: failed to start ${program}: ${error.message}`, { cause: error })),
    );
    child.on("close", (exitCode, exitSignal) => resolve([exitCode, exitSignal]));
  });

  if (stdinError !== undefined) {
    throw new Error(`command ${name}: failed to write stdin: ${stdinError.message}`, { cause: stdinError });
  }
  if (code !== 0) {
    const status = signal === null ? `exit code ${code}` : `signal ${signal}`;
    throw new Error(`command ${name} failed with ${status}: ${script}\nstderr: ${trimNewline(stderr)}`);
  }
  const outputs: LocalCommandOutputs = { stdout: trimNewline(stdout), stderr: trimNewline(stderr) };
  return { ...inputs, ...outputs };
}

function trimNewline(text: string): string {
  return text.endsWith("\n") ? text.slice(0, -1) : text;
}

function requireString(name: string, property: string, value: unknown): string {
  if (typeof value !== "string") {
    throw new Error(`command ${name}: ${property} must be a string, got ${JSON.stringify(value)}`);
  }
  return value;
}

function readInterpreter(name: string, value: unknown): string[] {
  if (value === undefined || value === null) {
    return DEFAULT_INTERPRETER;
  }
  if (!Array.isArray(value) || value.length === 0 || !value.every((part) => typeof part === "string")) {
    throw new Error(`command ${name}: interpreter must be a non-empty array of strings, got ${JSON.stringify(value)}`);
  }
  return value;
}

function readEnvironment(name: string, value: unknown): Record<string, string> {
  if (value === undefined || value === null) {
    return {};
  }
  if (typeof value !== "object" || Array.isArray(value)) {
    throw new Error(`command ${name}: environment must be a map of strings, got ${JSON.stringify(value)}`);
  }
  const environment: Record<string, string> = {};
  for (const [key, element] of Object.entries(value)) {
    environment[key] = requireString(name, `environment.${key}`, element);
  }
  return environment;
}
