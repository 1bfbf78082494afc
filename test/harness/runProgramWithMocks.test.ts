// Runs fixture programs through the harness CLI in child processes: the mocks are global to a process, and
// Pulumi's closure serializer cannot run inside a jest worker.
import path from "node:path";

import { FIXTURES, findMarkedProcesses, runHarnessCli, type CliRun } from "./childProcesses";

const PROJECT = "echo-test";
const ECHO_PROGRAM = path.join(FIXTURES, "echo-program/index.ts");

interface CliResult {
  readonly outputs: Record<string, unknown>;
  readonly resources: Array<{ type: string; name: string; urn: string; id?: string; state: Record<string, unknown> }>;
}

function runEcho(config: Record<string, string>): Promise<CliRun> {
  return runHarnessCli(["--program", ECHO_PROGRAM, "--project", PROJECT, "--stack", "dev", "--config-json", JSON.stringify(config)]);
}

function parseResult(run: CliRun): CliResult {
  if (run.code !== 0) {
    throw new Error(`harness CLI failed with exit code ${run.code}: ${run.stderr}`);
  }
  return JSON.parse(run.stdout) as CliResult;
}

describe("echo program under the harness", () => {
  let run: CliRun;
  let result: CliResult;

  beforeAll(async () => {
    run = await runEcho({ [`${PROJECT}:echoName`]: " world ", [`${PROJECT}:greeting`]: "hello" });
    result = parseResult(run);
  });

  it("exits with code 0", () => {
    expect(run.code).toBe(0);
  });

  it("exports the id from create", () => {
    expect(result.outputs.echoId).toBe("echo-world");
  });

  it("exports outputs of checked inputs", () => {
    expect(result.outputs.echoLength).toBe(5);
  });

  it("exports the configured greeting", () => {
    expect(result.outputs.echoText).toBe("hello, world");
  });

  it("exports the command's stdout", () => {
    expect(result.outputs.shoutStdout).toBe("HELLO, WORLD");
  });

  it("resolves nested outputs", () => {
    expect(result.outputs.nested).toEqual({ values: ["hello", 42], plain: "unchanged" });
  });

  it("records the dynamic resource", () => {
    const echo = result.resources.find((resource) => resource.name === "echo");
    expect(echo?.type).toBe("pulumi-nodejs:dynamic/echo:Echo");
    expect(echo?.id).toBe("echo-world");
    expect(echo?.urn).toBe("urn:pulumi:dev::echo-test::pulumi-nodejs:dynamic/echo:Echo::echo");
    expect(typeof echo?.state.__provider).toBe("string");
    expect(echo?.state.__provider).toContain("exports.handler");
  });

  it("records the command", () => {
    const shout = result.resources.find((resource) => resource.name === "shout");
    expect(shout?.type).toBe("command:local:Command");
    expect(shout?.id).toBe("shout-id");
    expect(shout?.state.environment).toEqual({ ECHO_TEXT: "hello, world" });
    expect(shout?.state.stdout).toBe("HELLO, WORLD");
    expect(shout?.state.stderr).toBe("");
  });

  it("leaves no process running", () => {
    expect(findMarkedProcesses(run.marker)).toEqual([]);
  });
});

describe("harness run failures", () => {
  it("reports a check failure", async () => {
    const run = await runEcho({ [`${PROJECT}:echoName`]: "", [`${PROJECT}:greeting`]: "hello" });

    expect(run.code).toBe(1);
    expect(run.stderr).toContain("failed to register pulumi-nodejs:dynamic/echo:Echo resource echo");
    expect(run.stderr).toContain("Check rejected the inputs: name: name must be a non-empty string (hello)");
    expect(run.stdout).toBe("");
  });

  it("reports a create error", async () => {
    const run = await runEcho({ [`${PROJECT}:echoName`]: "fail", [`${PROJECT}:greeting`]: "hello" });

    expect(run.code).toBe(1);
    expect(run.stderr).toContain('echo provider refuses to create "fail" (hello)');
    expect(findMarkedProcesses(run.marker)).toEqual([]);
  });

  it("reports a configure error", async () => {
    const run = await runEcho({ [`${PROJECT}:echoName`]: "world" });

    expect(run.code).toBe(1);
    expect(run.stderr).toContain("Missing required configuration key: greeting");
    expect(run.stderr).toContain("dynamic-provider host stderr:");
  });

  it("reports a failed unexported command", async () => {
    const run = await runHarnessCli(["--program", path.join(FIXTURES, "command-failure-program"), "--project", "t", "--stack", "s"]);

    expect(run.code).toBe(1);
    expect(run.stderr).toContain("failed to register command:local:Command resource broken");
    expect(run.stderr).toContain("exit code 3");
    expect(run.stderr).toContain("disk full");
  });

  it("rejects a function call", async () => {
    const run = await runHarnessCli(["--program", path.join(FIXTURES, "invoke-program"), "--project", "t", "--stack", "s"]);

    expect(run.code).toBe(1);
    expect(run.stderr).toContain("no mock for function test:index:getThing");
  });
});

describe("program that exports a function", () => {
  let result: CliResult;

  beforeAll(async () => {
    result = parseResult(
      await runHarnessCli(["--program", path.join(FIXTURES, "function-program"), "--project", "t", "--stack", "s"]),
    );
  });

  it("exports the function's result", () => {
    expect(result.outputs.thingId).toBe("thing-id");
    expect(result.outputs.answer).toBe(42);
    expect(Object.keys(result.outputs)).not.toContain("notSerialized");
  });

  it("exports a resource's public properties", () => {
    expect(result.outputs.thing).toEqual({
      urn: "urn:pulumi:s::t::test:index:Group$test:index:Thing::thing",
      id: "thing-id",
      size: 3,
    });
  });

  it("mocks another custom resource", () => {
    const thing = result.resources.find((resource) => resource.name === "thing");
    expect(thing?.id).toBe("thing-id");
    expect(thing?.state).toEqual({ size: 3 });
  });

  it("gives a component resource no id", () => {
    const group = result.resources.find((resource) => resource.name === "group");
    expect(group).toBeDefined();
    expect(group?.id).toBeUndefined();
  });
});

describe("program that reads a dynamic resource", () => {
  const READ_PROGRAM = path.join(FIXTURES, "read-program");

  it("exports outputs from the host's read", async () => {
    const config = { "r:readId": "echo-mars", "r:greeting": "hey" };
    const result = parseResult(
      await runHarnessCli(["--program", READ_PROGRAM, "--project", "r", "--stack", "s", "--config-json", JSON.stringify(config)]),
    );

    expect(result.outputs).toEqual({ existingId: "echo-mars", existingText: "hey, mars" });
  });

  it("reports an id that read cannot find", async () => {
    const config = { "r:readId": "nope", "r:greeting": "hey" };
    const run = await runHarnessCli(["--program", READ_PROGRAM, "--project", "r", "--stack", "s", "--config-json", JSON.stringify(config)]);

    expect(run.code).toBe(1);
    expect(run.stderr).toContain('resource existing: resource id "nope" was not found (Read returned an empty id)');
  });
});

describe("harness CLI options", () => {
  it("rejects a missing --program", async () => {
    const run = await runHarnessCli(["--project", "t", "--stack", "s"]);

    expect(run.code).toBe(1);
    expect(run.stderr).toContain("missing required option --program");
  });

  it("rejects a non-object --config-json", async () => {
    const run = await runHarnessCli(["--program", ECHO_PROGRAM, "--project", "t", "--stack", "s", "--config-json", "[1]"]);

    expect(run.code).toBe(1);
    expect(run.stderr).toContain("invalid --config-json: expected a JSON object");
  });

  it("rejects a non-string config value", async () => {
    const run = await runHarnessCli(["--program", ECHO_PROGRAM, "--project", "t", "--stack", "s", "--config-json", '{"t:n":1}']);

    expect(run.code).toBe(1);
    expect(run.stderr).toContain('the value of "t:n" must be a string');
  });

  it("rejects a config key without namespace", async () => {
    const run = await runHarnessCli(["--program", ECHO_PROGRAM, "--project", "t", "--stack", "s", "--config-json", '{"greeting":"hi"}']);

    expect(run.code).toBe(1);
    expect(run.stderr).toContain('invalid config key "greeting"');
  });
});
