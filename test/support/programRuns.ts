// Runs a Pulumi program under the harness CLI (built in lib/) in a child process, with every
// ServerMetadataKey sent to the real dynamic-provider host. The mocks are global to a process and the
// closure serializer cannot run inside a jest worker, hence the child process.
import { execFile } from "node:child_process";
import path from "node:path";

import { cleanEnvironment, REPOSITORY_ROOT } from "./providerFixtures";

/** Registered resource as the harness CLI prints it. */
export interface ProgramResource {
  readonly type: string;
  readonly name: string;
  readonly urn: string;
  readonly id?: string;
  readonly state: Record<string, unknown>;
  readonly secretOutputs: string[];
  readonly options: {
    readonly parent?: string;
    readonly dependencies: string[];
    readonly protect: boolean;
    readonly ignoreChanges: string[];
    readonly additionalSecretOutputs: string[];
    readonly aliasCount: number;
    readonly importId?: string;
  };
}

/** Result of a program run that succeeded. */
export interface ProgramRun {
  readonly outputs: Record<string, unknown>;
  readonly resources: ProgramResource[];
  /** Raw stdout of the CLI, which is what the run would write to state. */
  readonly stdout: string;
  readonly stderr: string;
}

/** Options of {@link runProgram}. */
export interface RunProgramArgs {
  readonly program: string;
  readonly project: string;
  readonly config: Record<string, string>;
  readonly preview?: boolean;
  readonly hostCwd?: string;
}

/** Time a program run may take, in milliseconds. */
const RUN_TIMEOUT_MS = 60_000;

/** Runs the program and resolves with its outputs and resources; rejects with the CLI's stderr when it fails. */
export function runProgram(args: RunProgramArgs): Promise<ProgramRun> {
  const cliArgs = [
    path.join(REPOSITORY_ROOT, "lib/harness/cli.js"),
    "--program",
    args.program,
    "--project",
    args.project,
    "--stack",
    "test",
    "--config-json",
    JSON.stringify(args.config),
    "--host-cwd",
    args.hostCwd ?? REPOSITORY_ROOT,
  ];
  if (args.preview === true) {
    cliArgs.push("--preview");
  }

  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      cliArgs,
      { cwd: REPOSITORY_ROOT, env: cleanEnvironment(), timeout: RUN_TIMEOUT_MS, maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) => {
        if (error !== null) {
          reject(Object.assign(new Error(`program run failed: ${stderr || error.message}`), { stdout, stderr }));
          return;
        }
        const parsed = JSON.parse(stdout) as { outputs: Record<string, unknown>; resources: ProgramResource[] };
        resolve({ ...parsed, stdout, stderr });
      },
    );
  });
}

/** Returns the resource named `name`, or throws with the names that were registered. */
export function resourceNamed(run: ProgramRun, name: string): ProgramResource {
  const resource = run.resources.find((candidate) => candidate.name === name);
  if (resource === undefined) {
    throw new Error(`no resource named ${name}; registered: ${run.resources.map((candidate) => candidate.name).join(", ")}`);
  }
  return resource;
}
