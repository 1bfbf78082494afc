// Drives a real dynamic-provider host over gRPC with the provider text that Pulumi serialized for the echo
// fixture. The text comes from a child process, because the closure serializer cannot run in a jest worker.
import path from "node:path";

import {
  DynamicProviderError,
  UNKNOWN_VALUE,
  makeUrn,
  startDynamicProviderHost,
  type ConfigureResult,
  type DynamicProviderHost,
  type PropertyMap,
} from "../../provider/harness";
import { FIXTURES, REPOSITORY_ROOT, isProcessRunning, runHarnessCli } from "./childProcesses";

const PROJECT = "echo-test";
const URN = makeUrn("dev", PROJECT, "pulumi-nodejs:dynamic/echo:Echo", "echo");
const GRPC_UNKNOWN = 2;

/** Polls `condition` every 20 ms until it returns true or `timeoutMs` passes. The caller asserts afterwards. */
async function waitUntil(condition: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition() && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Runs the echo program and returns the `__provider` text of its dynamic resource. */
async function serializeEchoProvider(): Promise<string> {
  const config = { [`${PROJECT}:echoName`]: "world", [`${PROJECT}:greeting`]: "serialized" };
  const run = await runHarnessCli([
    "--program",
    path.join(FIXTURES, "echo-program/index.ts"),
    "--project",
    PROJECT,
    "--stack",
    "dev",
    "--config-json",
    JSON.stringify(config),
  ]);
  if (run.code !== 0) {
    throw new Error(`echo program failed with exit code ${run.code}: ${run.stderr}`);
  }
  const { resources } = JSON.parse(run.stdout) as { resources: Array<{ name: string; state: PropertyMap }> };
  const provider = resources.find((resource) => resource.name === "echo")?.state.__provider;
  if (typeof provider !== "string") {
    throw new Error(`echo program output has no __provider text: ${run.stdout}`);
  }
  return provider;
}

describe("dynamic-provider client against the real host", () => {
  let host: DynamicProviderHost;
  let provider: string;
  let configured: ConfigureResult;

  beforeAll(async () => {
    provider = await serializeEchoProvider();
    host = await startDynamicProviderHost({ cwd: REPOSITORY_ROOT, projectName: PROJECT });
    // The host hands the config to the provider when it first loads the provider text, so configure goes first.
    configured = await host.client.configure({ [`${PROJECT}:greeting`]: "hi", "other:setting": "x" });
  });

  afterAll(async () => {
    await host?.stop();
  });

  it("configure reports no secret support", () => {
    expect(configured.acceptSecrets).toBe(false);
  });

  it("getPluginVersion returns the @pulumi/pulumi version", async () => {
    const { version } = require("@pulumi/pulumi/package.json") as { version: string };

    await expect(host.client.getPluginVersion()).resolves.toBe(version);
  });

  it("check returns the provider's inputs", async () => {
    const result = await host.client.check(URN, {}, { __provider: provider, name: " world " });

    expect(result.failures).toEqual([]);
    expect(result.inputs).toEqual({ __provider: provider, name: "world" });
  });

  it("check failures use the configured greeting", async () => {
    const result = await host.client.check(URN, {}, { __provider: provider, name: "" });

    expect(result.failures).toEqual([{ property: "name", reason: "name must be a non-empty string (hi)" }]);
  });

  it("check with unknown __provider uses olds", async () => {
    const result = await host.client.check(URN, { __provider: provider, name: "world" }, { __provider: UNKNOWN_VALUE, name: "again" });

    expect(result.failures).toEqual([]);
    expect(result.inputs.name).toBe("again");
    expect(result.inputs.__provider).toBe(UNKNOWN_VALUE);
  });

  it("diff reports no changes", async () => {
    const result = await host.client.diff("echo-world", URN, { __provider: provider, name: "world" }, { __provider: provider, name: "world" });

    expect(result).toEqual({ changes: "none", replaces: [], deleteBeforeReplace: false });
  });

  it("diff reports a replacement", async () => {
    const result = await host.client.diff("echo-world", URN, { __provider: provider, name: "world" }, { __provider: provider, name: "moon" });

    expect(result).toEqual({ changes: "some", replaces: ["name"], deleteBeforeReplace: true });
  });

  it("create returns id and outputs", async () => {
    const result = await host.client.create(URN, { __provider: provider, name: "world" });

    expect(result.id).toBe("echo-world");
    expect(result.properties).toEqual({
      __provider: provider,
      name: "world",
      length: 5,
      greeting: "hi",
      text: "hi, world",
    });
  });

  it("create drops undefined properties", async () => {
    const result = await host.client.create(URN, { __provider: provider, name: "world", extra: undefined });

    expect(Object.keys(result.properties)).not.toContain("extra");
  });

  it("create error keeps message and code", async () => {
    const error = await host.client.create(URN, { __provider: provider, name: "fail" }).catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(DynamicProviderError);
    expect((error as DynamicProviderError).message).toBe('echo provider refuses to create "fail" (hi)');
    expect((error as DynamicProviderError).code).toBe(GRPC_UNKNOWN);
    expect((error as DynamicProviderError).method).toBe("Create");
  });

  it("read returns outputs and inputs", async () => {
    const result = await host.client.read("echo-moon", URN, { __provider: provider, name: "world", length: 5 });

    expect(result.id).toBe("echo-moon");
    expect(result.properties).toEqual({ __provider: provider, name: "moon", length: 4, greeting: "hi", text: "hi, moon" });
    expect(result.inputs).toEqual({ __provider: provider, name: "moon" });
  });

  it("read by id uses the inputs", async () => {
    const result = await host.client.read("echo-sun", URN, {}, { __provider: provider, name: "sun" });

    expect(result.id).toBe("echo-sun");
    expect(result.properties.text).toBe("hi, sun");
  });

  it("read of a gone resource", async () => {
    const result = await host.client.read("gone", URN, { __provider: provider, name: "world" });

    expect(result.id).toBe("");
  });

  it("update returns the new outputs", async () => {
    const result = await host.client.update("echo-world", URN, { __provider: provider, name: "world" }, { __provider: provider, name: "mars" });

    expect(result.properties).toEqual({ __provider: provider, name: "mars", length: 4, greeting: "hi", text: "hi, mars" });
  });

  it("update rejects with the provider's message", async () => {
    const update = host.client.update("echo-world", URN, { __provider: provider, name: "world" }, { __provider: provider, name: "fail" });

    await expect(update).rejects.toThrow('echo provider refuses to update to "fail" (hi)');
  });

  it("delete resolves for an echo id", async () => {
    await expect(host.client.delete("echo-world", URN, { __provider: provider, name: "world" })).resolves.toBeUndefined();
  });

  it("delete error keeps message and code", async () => {
    const error = await host.client.delete("other-1", URN, { __provider: provider }).catch((caught: unknown) => caught);

    expect((error as DynamicProviderError).message).toBe('echo provider cannot delete "other-1": not an echo id (hi)');
    expect((error as DynamicProviderError).code).toBe(GRPC_UNKNOWN);
    expect((error as DynamicProviderError).method).toBe("Delete");
  });

  it("host stderr contains logged errors", async () => {
    await waitUntil(() => host.stderr().includes("not an echo id"), 5_000);

    expect(host.stderr()).toContain('Error: echo provider cannot delete "other-1"');
  });
});

describe("host stop", () => {
  it("ends the host process", async () => {
    const host = await startDynamicProviderHost({ cwd: REPOSITORY_ROOT, projectName: PROJECT });
    expect(isProcessRunning(host.pid)).toBe(true);

    await host.stop();

    expect(isProcessRunning(host.pid)).toBe(false);
  });

  it("can be called twice", async () => {
    const host = await startDynamicProviderHost({ cwd: REPOSITORY_ROOT, projectName: PROJECT });

    await host.stop();

    await expect(host.stop()).resolves.toBeUndefined();
  });
});

describe("makeUrn", () => {
  it("joins stack, project, type and name", () => {
    expect(makeUrn("dev", "proj", "pkg:mod:Type", "res")).toBe("urn:pulumi:dev::proj::pkg:mod:Type::res");
  });
});
