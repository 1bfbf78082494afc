// Programs that use ServerMetadataKey, run under Pulumi's mock runtime with every dynamic resource
// sent to the real dynamic-provider host, in up and preview mode, against the local ECS endpoint.
import path from "node:path";

import { startSimulator, type RunningSimulator } from "../../provider/simulator";
import { resourceNamed, runProgram, type ProgramRun } from "../support/programRuns";
import { DATA, PERMANENT, PROJECT_ID, REPOSITORY_ROOT, SERVER_ID, stackConfig, TEMPORARY } from "../support/providerFixtures";

const PROGRAMS = path.join(REPOSITORY_ROOT, "test/fixtures/provider/programs");
const NEW_SERVER_PROGRAM = path.join(PROGRAMS, "new-server/index.ts");
const OPTIONS_PROGRAM = path.join(PROGRAMS, "options/index.ts");
const DYNAMIC_TYPE = "pulumi-nodejs:dynamic/ecs-metadata:ServerMetadataKey";

/** Every output a ServerMetadataKey stores, none of which may be missing from state. */
const OUTPUT_NAMES = ["serverId", "key", "projectId", "region", "endpoint", "apiVersion", "secret", "ifMissing", "defaultValue", "found", "value"];

let simulator: RunningSimulator;

beforeAll(async () => {
  simulator = await startSimulator({ data: DATA });
});

afterAll(async () => {
  await simulator?.close();
});

beforeEach(() => {
  simulator.setMetadata(PROJECT_ID, SERVER_ID, "role", "web");
  simulator.deleteMetadata(PROJECT_ID, SERVER_ID, "maintenance window");
  simulator.clearRequests();
});

describe("preview of a new stack", () => {
  let run: ProgramRun;

  beforeAll(async () => {
    simulator.clearRequests();
    run = await runProgram({ program: NEW_SERVER_PROGRAM, project: "new-server", config: stackConfig(simulator.url, PERMANENT), preview: true });
  });

  it("sends no request while the server id is unknown", () => {
    expect(simulator.requestCount).toBe(0);
  });

  it("leaves value and found unknown", () => {
    expect(run.outputs).not.toHaveProperty("roleValue");
    expect(run.outputs).not.toHaveProperty("roleFound");
  });

  it("leaves the function's value unknown", () => {
    expect(run.outputs).not.toHaveProperty("teamValue");
  });

  it("still exports the known outputs", () => {
    expect(run.outputs.serverName).toBe("web-1");
  });

  it("creates nothing", () => {
    const role = resourceNamed(run, "web-role");
    expect(role.id).toBeUndefined();
    expect(role.state).toEqual({});
  });

  it("records the dependency on the server", () => {
    const role = resourceNamed(run, "web-role");
    expect(role.options.dependencies).toEqual([resourceNamed(run, "web-1").urn]);
  });

  it("still rejects an invalid known input", async () => {
    const config = { ...stackConfig(simulator.url, PERMANENT), "new-server:key": "a/b" };
    const failure = runProgram({ program: NEW_SERVER_PROGRAM, project: "new-server", config, preview: true });
    await expect(failure).rejects.toThrow(/Check rejected the inputs: key: key "a\/b" is invalid/);
  });
});

describe("preview of an existing server", () => {
  it("checks the inputs but reads no value", async () => {
    const config = { ...stackConfig(simulator.url, PERMANENT), "options:serverId": SERVER_ID };
    const run = await runProgram({ program: OPTIONS_PROGRAM, project: "options", config, preview: true });
    const team = resourceNamed(run, "team");
    expect(team.state).toMatchObject({ serverId: SERVER_ID, key: "owner:team", projectId: PROJECT_ID, endpoint: simulator.url });
    expect(team.state).not.toHaveProperty("value");
    expect(team.state).not.toHaveProperty("found");
  });
});

describe("resource options and secrets", () => {
  let run: ProgramRun;
  let requestPaths: string[];

  beforeAll(async () => {
    simulator.setMetadata(PROJECT_ID, SERVER_ID, "role", "web");
    simulator.clearRequests();
    // Holds back every lookup of "role", so that without dependsOn the lookup of "owner:team" would finish first.
    // Coalescing is off, so that each lookup is its own single-key request whose order the endpoint records.
    simulator.addFaults([{ name: "slow role", match: { key: "role" }, steps: [{ action: "pass", delayMs: 400 }], repeat: true }]);
    const config = { ...stackConfig(simulator.url, TEMPORARY), "options:serverId": SERVER_ID, "huaweicloud:coalesceLookups": "false" };
    try {
      run = await runProgram({ program: OPTIONS_PROGRAM, project: "options", config });
      requestPaths = simulator.requests.map((request) => decodeURIComponent(request.path));
    } finally {
      simulator.addFaults([{ name: "no delay", match: { key: "role" }, steps: [{ action: "pass" }], repeat: true }]);
    }
  });

  it("reads the values", () => {
    expect(run.outputs).toMatchObject({ roleValue: "web", teamValue: "platform", importedValue: "2026-12-01" });
  });

  it("makes value a secret with secret: true", () => {
    expect(run.outputs.roleIsSecret).toBe(true);
  });

  it("keeps the user's additionalSecretOutputs", () => {
    expect(run.outputs.roleEndpointIsSecret).toBe(true);
    expect(resourceNamed(run, "role").secretOutputs).toEqual(expect.arrayContaining(["value", "defaultValue", "endpoint"]));
  });

  it("leaves value plain without secret", () => {
    expect(run.outputs.teamIsSecret).toBe(false);
  });

  it("makes the function's value a secret", () => {
    expect(run.outputs.functionRoleValue).toBe("web");
    expect(run.outputs.functionRoleIsSecret).toBe(true);
  });

  it("returns the default of a missing key with found false", () => {
    expect(run.outputs).toMatchObject({ fallbackValue: "none", fallbackFound: false, fallbackIsSecret: true });
  });

  it("returns the function's default of a missing key", () => {
    expect(run.outputs).toMatchObject({ functionFallbackValue: "none", functionFallbackFound: false });
  });

  it("keeps parent, protect, ignoreChanges and aliases", () => {
    const role = resourceNamed(run, "role");
    expect(role.options).toMatchObject({ parent: resourceNamed(run, "lookups").urn, protect: true, ignoreChanges: ["apiVersion"], aliasCount: 1 });
    expect(role.urn).toBe(`urn:pulumi:test::options::example:index:Lookups$${DYNAMIC_TYPE}::role`);
  });

  it("imports by id {serverId}/{key}", () => {
    const imported = resourceNamed(run, "imported");
    expect(imported.options.importId).toBe(`${SERVER_ID}/release date`);
    expect(imported.id).toBe(`${SERVER_ID}/release date`);
    expect(run.outputs.importedId).toBe(`${SERVER_ID}/release date`);
  });

  it("orders a dependsOn resource after its dependency", () => {
    const firstRole = requestPaths.findIndex((requestPath) => requestPath.endsWith("/metadata/role"));
    const firstTeam = requestPaths.findIndex((requestPath) => requestPath.endsWith("/metadata/owner:team"));
    expect(firstRole).toBeGreaterThanOrEqual(0);
    expect(firstTeam).toBeGreaterThan(firstRole);
    expect(resourceNamed(run, "team").options.dependencies).toContain(resourceNamed(run, "role").urn);
  });

  it("stores every output of each resource, none undefined", () => {
    for (const resource of run.resources.filter((candidate) => candidate.type === DYNAMIC_TYPE)) {
      expect(Object.keys(resource.state).sort()).toEqual([...OUTPUT_NAMES, "__provider"].sort());
    }
  });

  it("keeps credentials out of the state", () => {
    for (const secret of [TEMPORARY.accessKey, TEMPORARY.secretKey, TEMPORARY.securityToken!]) {
      expect(run.stdout).not.toContain(secret);
    }
  });

  it("keeps secret values out of the logs", () => {
    expect(run.stderr).not.toContain("web");
  });
});

describe("examples/drift-check", () => {
  const program = path.join(REPOSITORY_ROOT, "examples/drift-check/index.ts");
  const config = () => ({ ...stackConfig(simulator.url, PERMANENT), "ecs-metadata-drift-check:serverId": SERVER_ID });

  it("exports the looked-up values", async () => {
    const run = await runProgram({ program, project: "ecs-metadata-drift-check", config: config() });
    expect(run.outputs).toEqual({ serverRole: "web", serverTeam: "platform", maintenanceWindow: "none", maintenanceWindowSet: false });
  });

  it("follows a key added on the server", async () => {
    simulator.setMetadata(PROJECT_ID, SERVER_ID, "maintenance window", "sun 02:00");
    const run = await runProgram({ program, project: "ecs-metadata-drift-check", config: config() });
    expect(run.outputs).toMatchObject({ maintenanceWindow: "sun 02:00", maintenanceWindowSet: true });
  });
});
