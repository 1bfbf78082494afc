import { extname } from "node:path";
import { Command, CommanderError, Option } from "commander";

import { EcsMetadataError, destroyKeepAliveAgents } from "../client";
import { checkMetadataKey, checkServerId } from "../settings";
import { addCommonOptions, readCommonOptions } from "./commonOptions";
import { CliUsageError, EXIT_ERROR, EXIT_SUCCESS } from "./exitCodes";
import { ExpectationsFileError, loadExpectationsFile } from "./expectations";
import { buildExpectationsFile, checkSecretKeysMatch, EXPORT_FORMATS, ExportFormat, formatExpectationsFile } from "./exportExpectations";
import { createCommandSources, createEcsMetadataReader } from "./metadataReader";
import { checkOutputPath, writeOutputFile } from "./outputFile";
import { CHECK_FORMATS, CheckFormat, renderCheckReport, summarize } from "./reports";
import { runCheck } from "./runCheck";
import { rewriteSettingHints } from "./settingHints";
import { escapeControlCharacters, quoteIfControlCharacters } from "./terminalText";

/** Output streams and environment of a run; tests and the entry point pass their own. */
export interface CliIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  readonly env: NodeJS.ProcessEnv;
}

/** Version of this package, printed by `--version`. */
export const PACKAGE_VERSION = (require("../../package.json") as { version: string }).version;

const PROGRAM_NAME = "ecs-metadata";

const MAIN_HELP = `
Settings come from the first place that sets them: the options, then the HW_* environment variables
(HW_ACCESS_KEY, HW_SECRET_KEY, HW_SECURITY_TOKEN, HW_AUTH_TOKEN, HW_USER_NAME, HW_USER_PASSWORD,
HW_DOMAIN_NAME, HW_REGION_NAME, HW_PROJECT_ID, HW_AUTH_URL, ...), the OS_* variables (OS_ACCESS_KEY,
OS_USERNAME, OS_PASSWORD, ...), HUAWEICLOUD_SDK_AK, HUAWEICLOUD_SDK_SK and HUAWEICLOUD_SDK_PROJECT_ID,
and last one profile of the KooCLI config file ~/.hcloud/config.json, chosen by --profile or
HW_PROFILE (else the file's current profile). Credentials are an access key and secret key (plus a
security token for temporary ones), an IAM token, or an IAM user name, password and account name
exchanged at IAM for a token; all of them come from one place. The command takes no secret on its
command line. Without a project id, the one IAM lists for the region is used.

Exit status: 0 on success (for check: every expected pair matched), 2 when check found drift,
1 on any error, including invalid arguments.

Run "ecs-metadata <command> --help" for the options of a command.`;

const CHECK_HELP = `
The expectations file (YAML, or strict JSON when it ends in .json):

  version: 1
  defaults: { projectId: 0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e, region: cn-north-4 }
  servers:
    - id: 6f0e2a3b-4c5d-4e6f-8a9b-0c1d2e3f4a5b
      name: web-1
      keys:
        role: web
        db-password: { sha256: <64 hex digits>, secret: true }

Exit status: 0 when every expected pair matched, 2 when anything drifted (a changed or missing key,
or with --strict an unexpected one), 1 on any error; an error wins over drift. Values marked secret
are compared but never printed.`;

/** Runs the command with `args` (without the node executable and script path) and resolves with the exit status. */
export async function runCli(args: readonly string[], io: CliIo): Promise<number> {
  let exitCode = EXIT_SUCCESS;
  const program = buildProgram(io, (code) => (exitCode = code));
  try {
    await program.parseAsync([...args], { from: "user" });
  } catch (error) {
    if (error instanceof CommanderError) {
      // Commander has already written the message or the help; its exit code is 0 for help and version, 1 for errors.
      return error.exitCode === 0 ? EXIT_SUCCESS : EXIT_ERROR;
    }
    throw error;
  } finally {
    destroyKeepAliveAgents();
  }
  return exitCode;
}

function buildProgram(io: CliIo, setExitCode: (code: number) => void): Command {
  const program = new Command(PROGRAM_NAME)
    .description("Read Huawei Cloud ECS server metadata, and check it against an expectations file for drift.")
    .version(PACKAGE_VERSION, "-V, --version", "print the version and exit")
    .helpOption("-h, --help", "print this help and exit")
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr })
    .exitOverride()
    .showHelpAfterError(`(run "${PROGRAM_NAME} --help" for usage)`)
    .addHelpText("after", MAIN_HELP);

  // Each action reports its own errors and sets the exit status, so nothing but commander's own errors reaches parseAsync.
  const run = async (action: () => Promise<number>): Promise<void> => setExitCode(await runAction(action, io));

  addCommonOptions(program.command("get").description("Print the value of one metadata key of a server."))
    .argument("<server-id>", "id (UUID) of the ECS server")
    .argument("<key>", "metadata key")
    .addOption(
      new Option("--format <format>", "output format; text prints the value, JSON-quoted when it contains a control character such as a line break")
        .choices(["text", "json"])
        .default("text"),
    )
    .action(function (this: Command, serverId: string, key: string) {
      return run(() => getCommand(serverId, key, this.opts(), io));
    });

  addCommonOptions(program.command("list").description("Print every metadata pair of a server, sorted by key."))
    .argument("<server-id>", "id (UUID) of the ECS server")
    .addOption(new Option("--format <format>", 'output format; text prints one "key=value" line per pair, JSON-quoting a key or value with a control character').choices(["text", "json"]).default("text"))
    .action(function (this: Command, serverId: string) {
      return run(() => listCommand(serverId, this.opts(), io));
    });

  addCommonOptions(program.command("export").description("Write an expectations file from the live metadata of servers, to start a check from."))
    .argument("<server-id...>", "ids (UUIDs) of the ECS servers")
    .option("-o, --output <file>", "write to this file instead of stdout")
    .option("--force", "overwrite the --output file if it exists")
    .addOption(new Option("--format <format>", "file format (default: json for an --output file ending in .json, else yaml)").choices([...EXPORT_FORMATS]))
    .option("--secret <key>", "write this key's value as a SHA-256 digest marked secret; repeat for more keys", collect, [] as string[])
    .action(function (this: Command, serverIds: string[]) {
      return run(() => exportCommand(serverIds, this.opts(), io));
    });

  addCommonOptions(program.command("check").description("Compare the metadata of servers with an expectations file."))
    .argument("<expectations-file>", "YAML or JSON file of servers and their expected metadata")
    .addOption(new Option("--format <format>", "report format; markdown fits a pull-request comment").choices([...CHECK_FORMATS]).default("text"))
    .option("--strict", "count keys set on a server but missing from the file as drift")
    .addHelpText("after", CHECK_HELP)
    .action(function (this: Command, file: string) {
      return run(() => checkCommand(file, this.opts(), io));
    });

  return program;
}

/** Runs one subcommand and turns the errors it may raise into a message on stderr and exit status 1. */
async function runAction(action: () => Promise<number>, io: CliIo): Promise<number> {
  try {
    return await action();
  } catch (error) {
    if (error instanceof ExpectationsFileError) {
      // Each problem gets its own line, and control characters within a line are escaped.
      const lines = [`Invalid expectations file ${error.fileName}:`, ...error.problems.map((problem) => `  ${problem}`)];
      io.stderr(`${PROGRAM_NAME}: ${lines.map(escapeControlCharacters).join("\n")}\n`);
    } else if (error instanceof EcsMetadataError || error instanceof CliUsageError) {
      io.stderr(`${PROGRAM_NAME}: ${escapeControlCharacters(rewriteSettingHints(error.message))}\n`);
    } else {
      io.stderr(`${PROGRAM_NAME}: unexpected error, please report it: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    }
    return EXIT_ERROR;
  }
}

async function getCommand(serverId: string, key: string, values: Record<string, unknown>, io: CliIo): Promise<number> {
  const options = readCommonOptions(values);
  requireValid(checkServerId(serverId));
  requireValid(checkMetadataKey(key));
  const reader = await createEcsMetadataReader({}, options, createCommandSources(options, io.env, io.stderr));

  const value = await reader.getKey(serverId, key);
  io.stdout(values.format === "json" ? JSON.stringify({ serverId, key, value, ...reader.target }, null, 2) + "\n" : quoteIfControlCharacters(value) + "\n");
  return EXIT_SUCCESS;
}

async function listCommand(serverId: string, values: Record<string, unknown>, io: CliIo): Promise<number> {
  const options = readCommonOptions(values);
  requireValid(checkServerId(serverId));
  const reader = await createEcsMetadataReader({}, options, createCommandSources(options, io.env, io.stderr));

  const metadata = await reader.getAll(serverId);
  const keys = Object.keys(metadata).sort();
  if (values.format === "json") {
    const sorted = Object.fromEntries(keys.map((key) => [key, metadata[key]]));
    io.stdout(JSON.stringify({ serverId, metadata: sorted, ...reader.target }, null, 2) + "\n");
  } else {
    // The server's keys and values may contain control characters, so such a key or value is JSON-quoted to stay on its line.
    io.stdout(keys.map((key) => `${quoteIfControlCharacters(key)}=${quoteIfControlCharacters(metadata[key])}\n`).join(""));
  }
  return EXIT_SUCCESS;
}

async function exportCommand(serverIds: string[], values: Record<string, unknown>, io: CliIo): Promise<number> {
  const options = readCommonOptions(values);
  for (const serverId of serverIds) {
    requireValid(checkServerId(serverId));
  }
  const secretKeys = new Set(values.secret as string[]);
  for (const key of secretKeys) {
    requireValid(checkMetadataKey(key));
  }
  const output = values.output as string | undefined;
  if (output !== undefined) {
    checkOutputPath(output, values.force === true);
  }
  const format = (values.format as ExportFormat | undefined) ?? (output !== undefined && extname(output).toLowerCase() === ".json" ? "json" : "yaml");
  const reader = await createEcsMetadataReader({}, options, createCommandSources(options, io.env, io.stderr));

  const uniqueIds = [...new Set(serverIds)];
  const servers = [];
  for (const id of uniqueIds) {
    servers.push({ id, metadata: await reader.getAll(id) });
  }

  checkSecretKeysMatch(servers, secretKeys);
  const contents = buildExpectationsFile(servers, reader.target, secretKeys);
  const text = formatExpectationsFile(contents, format, `Expectations for "ecs-metadata check", exported from the live metadata on ${new Date().toISOString()}.`);
  if (output === undefined) {
    io.stdout(text);
  } else {
    writeOutputFile(output, text);
    if (!options.quiet) {
      io.stderr(`Wrote the expectations of ${servers.length === 1 ? "1 server" : `${servers.length} servers`} to ${escapeControlCharacters(output)}.\n`);
    }
  }
  return EXIT_SUCCESS;
}

async function checkCommand(file: string, values: Record<string, unknown>, io: CliIo): Promise<number> {
  const options = readCommonOptions(values);
  const expectations = loadExpectationsFile(file);

  const sources = createCommandSources(options, io.env, io.stderr);
  const results = await runCheck(
    expectations,
    { strict: values.strict === true, concurrency: options.concurrency, quiet: options.quiet },
    (location) => createEcsMetadataReader(location, options, sources),
  );

  if (!options.quiet) {
    io.stdout(renderCheckReport(results, values.format as CheckFormat));
  }
  return summarize(results).exitCode;
}

function requireValid(reason: string | undefined): void {
  if (reason !== undefined) {
    throw new CliUsageError(reason);
  }
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}
