// Runs examples/basic under Pulumi's mock runtime, with every ServerMetadataKey sent to the real
// dynamic-provider host, and checks the outputs that depend on looked-up values.
import { execFile } from "node:child_process";
import path from "node:path";
import { promisify } from "node:util";

import { startSimulator, type RunningSimulator } from "../../provider/simulator";
import { cleanEnvironment, DATA, PERMANENT, PROJECT_ID, REPOSITORY_ROOT, SERVER_ID, stackConfig } from "../support/providerFixtures";

const run = promisify(execFile);

let simulator: RunningSimulator;

beforeAll(async () => {
  simulator = await startSimulator({ data: DATA });
});

afterAll(async () => {
  await simulator?.close();
});

async function runExample(): Promise<Record<string, unknown>> {
  const config = { ...stackConfig(simulator.url, PERMANENT), "ecs-metadata-basic:serverId": SERVER_ID };
  const { stdout } = await run(
    process.execPath,
    [
      path.join(REPOSITORY_ROOT, "lib/harness/cli.js"),
      "--program",
      path.join(REPOSITORY_ROOT, "examples/basic/index.ts"),
      "--project",
      "ecs-metadata-basic",
      "--stack",
      "test",
      "--config-json",
      JSON.stringify(config),
      "--host-cwd",
      REPOSITORY_ROOT,
    ],
    { cwd: REPOSITORY_ROOT, env: cleanEnvironment(), timeout: 60_000 },
  );
  return (JSON.parse(stdout) as { outputs: Record<string, unknown> }).outputs;
}

describe("examples/basic", () => {
  it("exports the looked-up values", async () => {
    simulator.setMetadata(PROJECT_ID, SERVER_ID, "role", "web");
    const outputs = await runExample();
    expect(outputs).toMatchObject({ serverRole: "web", serverTeam: "platform", serverReleaseDate: "2026-12-01" });
  });

  it("passes the values to the local command", async () => {
    simulator.setMetadata(PROJECT_ID, SERVER_ID, "role", "web");
    const outputs = await runExample();
    expect(outputs.announcement).toBe(`server ${SERVER_ID} runs the web role for team platform, released 2026-12-01`);
  });

  it("follows a value changed on the server", async () => {
    simulator.setMetadata(PROJECT_ID, SERVER_ID, "role", "canary");
    const outputs = await runExample();
    expect(outputs.serverRole).toBe("canary");
  });
});
