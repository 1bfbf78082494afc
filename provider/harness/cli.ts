import { parseArgs } from "node:util";

import { ProgramRunError, runProgramWithMocks } from "./runProgramWithMocks";

const USAGE = `Usage: node lib/harness/cli.js --program PATH --project NAME --stack NAME [--config-json JSON] [--host-cwd DIR] [--preview]

Runs a Pulumi program under Pulumi's mock runtime, with dynamic resources handled by a real dynamic-provider
host, and prints {"outputs": ..., "resources": ...} as JSON on stdout.

Options:
  --program PATH       program to run: a .js or .ts file, or a folder with an index.js or index.ts
  --project NAME       project name, as in Pulumi.yaml
  --stack NAME         stack name
  --config-json JSON   stack configuration as a JSON object of strings with namespaced keys,
                       such as {"huaweicloud:region":"cn-north-4"}; empty unless set
  --host-cwd DIR       working directory of the dynamic-provider host; the current directory unless set
  --preview            run as a preview: no Create, no commands, and outputs not known yet are unknown
  --help               print this help`;

/** Parses the command line, runs the program and prints the result. The caller sets exit code 1 on any error. */
async function main(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      program: { type: "string" },
      project: { type: "string" },
      stack: { type: "string" },
      "config-json": { type: "string" },
      "host-cwd": { type: "string" },
      preview: { type: "boolean" },
      help: { type: "boolean" },
    },
    strict: true,
  });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }

  const programPath = requireOption(values.program, "--program");
  const projectName = requireOption(values.project, "--project");
  const stackName = requireOption(values.stack, "--stack");
  const config = parseConfig(values["config-json"]);

  const result = await runProgramWithMocks({
    programPath,
    projectName,
    stackName,
    config,
    hostCwd: values["host-cwd"] ?? process.cwd(),
    preview: values.preview === true,
  });
  process.stdout.write(`${JSON.stringify({ outputs: result.outputs, resources: result.resources })}\n`);
}

function requireOption(value: string | undefined, name: string): string {
  if (value === undefined || value === "") {
    throw new Error(`missing required option ${name}; run with --help for usage`);
  }
  return value;
}

function parseConfig(json: string | undefined): Record<string, string> {
  if (json === undefined) {
    return {};
  }

  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch (error) {
    throw new Error(`invalid --config-json: ${(error as Error).message}`);
  }
  if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) {
    throw new Error(`invalid --config-json: expected a JSON object, got ${json}`);
  }
  for (const [key, value] of Object.entries(parsed)) {
    if (typeof value !== "string") {
      throw new Error(`invalid --config-json: the value of "${key}" must be a string, got ${JSON.stringify(value)}`);
    }
  }
  return parsed as Record<string, string>;
}

main(process.argv.slice(2)).catch((error: unknown) => {
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`${message || "the program run failed with an error that has no message"}\n`);
  if (error instanceof ProgramRunError && error.hostStderr.trim() !== "") {
    process.stderr.write(`dynamic-provider host stderr:\n${error.hostStderr}`);
  }
  // Set the exit code instead of calling process.exit, so output is flushed and a leaked child process shows as a hang.
  process.exitCode = 1;
});
