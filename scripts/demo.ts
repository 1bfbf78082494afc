// Runs examples/basic against the local ECS endpoint loaded with examples/basic/servers.json and
// prints the stack outputs as `name: value` lines. With the `pulumi` CLI on PATH it runs
// `pulumi up` on a local file backend. Without it, the program runs under Pulumi's mock runtime,
// and every ServerMetadataKey goes to Pulumi's real dynamic-provider host over gRPC.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

import { runProgramWithMocks } from "../lib/harness";
import { withoutSettingsVariables } from "../lib/settings/defaultSources";
import { loadSimulatorData, startSimulator } from "../lib/simulator";

const ROOT = path.resolve(__dirname, "..");
const PROJECT_NAME = "ecs-metadata-basic";
const STACK_NAME = "demo";
const DATA_FILE = path.join(ROOT, "examples/basic/servers.json");
const PROGRAM = path.join(ROOT, "examples/basic/index.ts");

async function main(): Promise<void> {
  // The program, and so getServerMetadataKeyOutput, runs in this process: it must see only the demo's settings.
  process.env = withoutSettingsVariables(process.env);

  const data = loadSimulatorData(DATA_FILE);
  const simulator = await startSimulator({ data });
  console.error(`Local ECS endpoint ${simulator.url} serves ${path.relative(ROOT, DATA_FILE)}`);

  try {
    const config = demoConfig(data, simulator.url);
    const outputs = hasPulumiCli() ? runWithPulumiCli(config) : await runWithMockEngine(config);
    for (const [name, value] of Object.entries(outputs)) {
      console.log(`${name}: ${typeof value === "string" ? value : JSON.stringify(value)}`);
    }
  } finally {
    await simulator.close();
  }
}

/** Stack config of the demo: the first credential, project and server of the data file. */
function demoConfig(data: ReturnType<typeof loadSimulatorData>, endpoint: string): Record<string, string> {
  const credential = data.credentials[0];
  const project = data.projects[0];
  return {
    "huaweicloud:accessKey": credential.accessKey,
    "huaweicloud:secretKey": credential.secretKey,
    "huaweicloud:region": project.region,
    "huaweicloud:projectId": project.id,
    "huaweicloud:endpoints": JSON.stringify({ ecs: endpoint }),
    [`${PROJECT_NAME}:serverId`]: project.servers[0].id,
  };
}

async function runWithMockEngine(config: Record<string, string>): Promise<Record<string, unknown>> {
  console.error("No pulumi CLI on PATH: running the program under Pulumi's mock runtime with the real dynamic-provider host.");
  const result = await runProgramWithMocks({
    programPath: PROGRAM,
    projectName: PROJECT_NAME,
    stackName: STACK_NAME,
    config,
    hostCwd: ROOT,
    env: process.env,
  });
  return result.outputs;
}

// NOTE: this path needs the pulumi CLI, which cannot be installed on the machines this was written
// on, so it has not been run there.
function runWithPulumiCli(config: Record<string, string>): Record<string, unknown> {
  console.error("Running pulumi up on a local file backend.");
  const stateDirectory = fs.mkdtempSync(path.join(os.tmpdir(), "ecs-metadata-demo-"));
  const env = {
    ...process.env,
    PULUMI_BACKEND_URL: `file://${stateDirectory}`,
    PULUMI_CONFIG_PASSPHRASE: "",
    PULUMI_SKIP_UPDATE_CHECK: "true",
  };
  const pulumi = (args: string[], secretValue = false) => {
    const result = spawnSync("pulumi", [...args, "--non-interactive", "--stack", STACK_NAME], { cwd: ROOT, env, encoding: "utf8" });
    if (result.status !== 0) {
      const shown = secretValue ? args.slice(0, -1).concat("[secret]") : args;
      throw new Error(`pulumi ${shown.join(" ")} failed with exit code ${result.status}:\n${result.stderr}`);
    }
    return result.stdout;
  };

  spawnSync("pulumi", ["stack", "init", STACK_NAME, "--non-interactive"], { cwd: ROOT, env, encoding: "utf8" });
  for (const [key, value] of Object.entries(config)) {
    const isSecret = key === "huaweicloud:secretKey";
    pulumi(["config", "set", ...(isSecret ? ["--secret"] : []), key, value], isSecret);
  }
  pulumi(["up", "--yes", "--skip-preview"]);
  return JSON.parse(pulumi(["stack", "output", "--json"])) as Record<string, unknown>;
}

function hasPulumiCli(): boolean {
  if (process.env.ECS_METADATA_DEMO_ENGINE === "mock") {
    return false;
  }
  return spawnSync("pulumi", ["version"], { encoding: "utf8" }).status === 0;
}


main().catch((error: unknown) => {
  console.error(`demo failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
});
