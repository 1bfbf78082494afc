import { existsSync, statSync } from "node:fs";
import path from "node:path";
import { setImmediate as setImmediatePromise } from "node:timers/promises";

import * as pulumi from "@pulumi/pulumi";

import { HarnessMocks, type MockResourceMonitor, type RegisteredResource } from "./harnessMocks";
import { resolveDeep } from "./resolveDeep";

/** Environment variable from which `pulumi.Config` reads the stack configuration, as JSON. */
const CONFIG_ENV = "PULUMI_CONFIG";

/** Key under which ts-node 10 stores its registration on `process`. */
const TS_NODE_REGISTRATION = Symbol.for("ts-node.register.instance");

/** Options of {@link runProgramWithMocks}. */
export interface RunProgramOptions {
  /** Path of the program: a `.js` or `.ts` file, or a folder with an `index.js` or `index.ts`. */
  readonly programPath: string;
  /** Project name, as in `Pulumi.yaml`. */
  readonly projectName: string;
  /** Stack name. */
  readonly stackName: string;
  /** Stack configuration keyed by namespaced names such as `huaweicloud:region`. */
  readonly config: Readonly<Record<string, string>>;
  /** Working directory of the dynamic-provider host, normally the project directory. */
  readonly hostCwd: string;
  /** Environment of the dynamic-provider host and of `local.Command` scripts. Defaults to this process's environment. */
  readonly env?: NodeJS.ProcessEnv;
  /** Whether to run the program as `pulumi preview` does; see {@link HarnessMocks} for what changes. `false` unless set. */
  readonly preview?: boolean;
}

/** Result of {@link runProgramWithMocks}. */
export interface ProgramRunResult {
  /** Stack outputs, resolved to plain values. */
  readonly outputs: Record<string, unknown>;
  /** Registered resources, in the order their registration finished. */
  readonly resources: readonly RegisteredResource[];
  /** Everything the dynamic-provider host wrote to stderr, or `""` when the program has no dynamic resource. */
  readonly hostStderr: string;
}

/** Error of a failed program run, with the host's stderr for diagnostics. */
export class ProgramRunError extends Error {
  /** Everything the dynamic-provider host wrote to stderr. */
  readonly hostStderr: string;

  constructor(cause: unknown, hostStderr: string) {
    super(cause instanceof Error ? cause.message : String(cause), { cause });
    this.name = "ProgramRunError";
    this.hostStderr = hostStderr;
  }
}

/**
 * Runs a Pulumi program under Pulumi's mock runtime, with dynamic resources handled by a real dynamic-provider
 * host (see {@link HarnessMocks}), and returns its stack outputs and resources. It waits for every resource
 * registration, including those no output depends on, and stops the host before it returns.
 *
 * The mocks and the configuration are global to the process, so run one program at a time in a process, and not
 * inside a jest worker, whose module registry hides modules from Pulumi's closure serializer.
 * Rejects with a {@link ProgramRunError} when the program throws, when a stack output or any other promise
 * rejects, or when a resource registration fails. The message then lists every failed registration.
 */
export async function runProgramWithMocks(options: RunProgramOptions): Promise<ProgramRunResult> {
  checkConfigKeys(options.config);
  const mocks = new HarnessMocks(options);
  const previousConfig = process.env[CONFIG_ENV];

  // A failed registration also rejects the Outputs of every resource that depends on it, often where nothing
  // awaits them. Collect those rejections, because Node would otherwise end the process on the first one.
  const unhandledRejections: unknown[] = [];
  const onUnhandledRejection = (reason: unknown) => unhandledRejections.push(reason);
  process.on("unhandledRejection", onUnhandledRejection);

  try {
    // The Pulumi runtime copies PULUMI_CONFIG when it first builds its state, so set the live copy as well.
    process.env[CONFIG_ENV] = JSON.stringify(options.config);
    pulumi.runtime.setAllConfig({ ...options.config });
    await pulumi.runtime.setMocks(mocks, options.projectName, options.stackName, options.preview === true);
    mocks.attach(pulumi.runtime.getMonitor() as unknown as MockResourceMonitor);

    let outputs: Record<string, unknown> = {};
    let programError: unknown;
    try {
      outputs = (await resolveDeep(await runProgram(options.programPath))) as Record<string, unknown>;
    } catch (error) {
      programError = error;
    }

    await pulumi.runtime.disconnect();
    await mocks.settle();
    // Node reports unhandled rejections only between macrotasks, and everything above may finish in microtasks.
    await setImmediatePromise();

    // Registration errors come first because they are the root causes of most other errors.
    if (mocks.errors.length > 0) {
      throw new Error(mocks.errors.map((error) => error.message).join("\n"));
    }
    if (programError !== undefined) {
      throw programError;
    }
    if (unhandledRejections.length > 0) {
      throw unhandledRejections[0];
    }
    return { outputs, resources: [...mocks.resources], hostStderr: mocks.hostStderr() };
  } catch (error) {
    throw new ProgramRunError(error, mocks.hostStderr());
  } finally {
    await mocks.stopHost();
    await setImmediatePromise();
    process.off("unhandledRejection", onUnhandledRejection);
    if (previousConfig === undefined) {
      delete process.env[CONFIG_ENV];
    } else {
      process.env[CONFIG_ENV] = previousConfig;
    }
  }
}

function checkConfigKeys(config: Readonly<Record<string, string>>): void {
  for (const key of Object.keys(config)) {
    if (!/^[^:]+:[^:]/.test(key)) {
      throw new Error(`invalid config key "${key}": use a namespaced key such as "project:${key}"`);
    }
  }
}

/**
 * Loads the program and returns its exports, or the awaited result when it exports a function, as the Pulumi
 * language host does for a CommonJS program.
 */
async function runProgram(programPath: string): Promise<unknown> {
  const resolvedPath = path.resolve(programPath);
  if (isTypeScriptProgram(resolvedPath)) {
    registerTypeScript();
  }

  const programExports: unknown = require(resolvedPath);
  return typeof programExports === "function" ? await programExports() : programExports;
}

function isTypeScriptProgram(resolvedPath: string): boolean {
  if (/\.[cm]?ts$/.test(resolvedPath)) {
    return true;
  }
  const isFolder = existsSync(resolvedPath) && statSync(resolvedPath).isDirectory();
  return isFolder && !existsSync(path.join(resolvedPath, "index.js")) && existsSync(path.join(resolvedPath, "index.ts"));
}

/** Registers ts-node, transpiling only, unless it is already registered in this process. */
function registerTypeScript(): void {
  if ((process as unknown as Record<symbol, unknown>)[TS_NODE_REGISTRATION] !== undefined) {
    return;
  }
  try {
    require("ts-node/register/transpile-only");
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(
      `cannot run a TypeScript program: loading ts-node/register/transpile-only failed (${reason}); ` +
        `install ts-node 10 or pass a .js program`,
      { cause: error },
    );
  }
}
