// Upgrades: refresh and delete run the provider text stored in state, written by the release that
// created the resource. These tests drive state written by the frozen 0.1.0 text through the current
// package, both from this repository and installed from its packed tarball into a fresh project.
import { execFileSync } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

import { startDynamicProviderHost, type DynamicProviderHost, type PropertyMap } from "../../provider/harness";
import { startSimulator, type RunningSimulator } from "../../provider/simulator";
import {
  cleanEnvironment,
  DATA,
  PERMANENT,
  PROJECT_ID,
  PROJECT_NAME,
  REGION,
  REPOSITORY_ROOT,
  SERVER_ID,
  stackConfig,
  startHost,
  TEMPORARY,
  urnOf,
} from "../support/providerFixtures";

/** Provider text that 0.1.0 stored in state, frozen so later releases are tested against it. */
const PROVIDER_TEXT_0_1_0 = readFileSync(path.join(REPOSITORY_ROOT, "test/fixtures/provider/provider-text-v0.1.0.js"), "utf8");

/** Largest serialized provider accepted, in bytes; the forwarding shim is about 3.3 KB. */
const MAX_PROVIDER_TEXT_BYTES = 8 * 1024;

let simulator: RunningSimulator;

beforeAll(async () => {
  simulator = await startSimulator({ data: DATA });
});

afterAll(async () => {
  await simulator?.close();
});

beforeEach(() => {
  simulator.setMetadata(PROJECT_ID, SERVER_ID, "role", "web");
  simulator.clearRequests();
});

/** Outputs that 0.1.0 stored for a lookup of "role": no `secret`, `ifMissing`, `defaultValue` or `found`. */
function stateOf010(): PropertyMap {
  return {
    __provider: PROVIDER_TEXT_0_1_0,
    serverId: SERVER_ID,
    key: "role",
    projectId: PROJECT_ID,
    region: REGION,
    endpoint: simulator.url,
    apiVersion: "v2.1",
    value: "web",
  };
}

/** Runs refresh, diff and delete of 0.1.0 state through `host`, as the engine does after an upgrade. */
function describeUpgradeOf010(getHost: () => DynamicProviderHost, currentProviderText: () => string) {
  const id = `${SERVER_ID}/role`;

  it("refreshes 0.1.0 state with the live value", async () => {
    simulator.setMetadata(PROJECT_ID, SERVER_ID, "role", "batch");
    const result = await getHost().client.read(id, urnOf("role"), stateOf010());
    expect(result.id).toBe(id);
    expect(result.properties).toMatchObject({ value: "batch", found: true, ifMissing: "fail", secret: false, defaultValue: null });
  });

  it("keeps the stored provider text on refresh", async () => {
    const result = await getHost().client.read(id, urnOf("role"), stateOf010());
    expect(result.properties.__provider).toBe(PROVIDER_TEXT_0_1_0);
  });

  it("reports no change against the current release's inputs", async () => {
    const news = { __provider: currentProviderText(), serverId: SERVER_ID, key: "role" };
    const checked = await getHost().client.check(urnOf("role"), stateOf010(), news);
    const result = await getHost().client.diff(id, urnOf("role"), stateOf010(), checked.inputs);
    expect(result).toEqual({ changes: "none", replaces: [], deleteBeforeReplace: false });
  });

  it("deletes 0.1.0 state without a request", async () => {
    await getHost().client.delete(id, urnOf("role"), stateOf010());
    expect(simulator.requestCount).toBe(0);
  });
}

describe("0.1.0 state with this repository's build", () => {
  let host: DynamicProviderHost;

  beforeAll(async () => {
    host = await startHost();
    await host.client.configure(stackConfig(simulator.url, PERMANENT));
  });

  afterAll(async () => {
    await host?.stop();
  });

  describeUpgradeOf010(
    () => host,
    () => PROVIDER_TEXT_0_1_0,
  );
});

describe("package installed from its packed tarball", () => {
  let workDirectory: string;
  let projectDirectory: string;
  let providerText: string;
  let host: DynamicProviderHost;

  beforeAll(async () => {
    workDirectory = mkdtempSync(path.join(tmpdir(), "ecs-metadata-pack-"));
    projectDirectory = path.join(workDirectory, "project");
    const tarball = packPackage(workDirectory);
    installTarball(projectDirectory, tarball);

    providerText = printProviderText(projectDirectory, {
      HW_ACCESS_KEY: PERMANENT.accessKey,
      HW_SECRET_KEY: PERMANENT.secretKey,
      PULUMI_CONFIG: JSON.stringify({ "huaweicloud:accessKey": TEMPORARY.accessKey, "huaweicloud:secretKey": TEMPORARY.secretKey }),
    });

    host = await startDynamicProviderHost({ cwd: projectDirectory, projectName: PROJECT_NAME, env: cleanEnvironment() });
    await host.client.configure(stackConfig(simulator.url, PERMANENT));
  }, 120_000);

  afterAll(async () => {
    await host?.stop();
    if (workDirectory !== undefined) {
      rmSync(workDirectory, { recursive: true, force: true });
    }
  });

  it("serializes a provider that requires the package", () => {
    expect(providerText).toContain('"pulumi-ecs-metadata/provider-host"');
  });

  it("serializes none of the package's code", () => {
    expect(providerText).not.toContain("signRequest");
    expect(providerText).not.toContain("axios");
    expect(providerText).not.toContain("resolveCredentials");
  });

  it("serializes no credentials", () => {
    for (const secret of [PERMANENT.accessKey, PERMANENT.secretKey, TEMPORARY.accessKey, TEMPORARY.secretKey]) {
      expect(providerText).not.toContain(secret);
    }
  });

  it(`serializes a provider under ${MAX_PROVIDER_TEXT_BYTES} bytes`, () => {
    expect(Buffer.byteLength(providerText)).toBeLessThan(MAX_PROVIDER_TEXT_BYTES);
  });

  it("creates through the installed package", async () => {
    const checked = await host.client.check(urnOf("role"), {}, { __provider: providerText, serverId: SERVER_ID, key: "role" });
    const created = await host.client.create(urnOf("role"), checked.inputs);
    expect(created.properties).toMatchObject({ value: "web", found: true });
  });

  describeUpgradeOf010(
    () => host,
    () => providerText,
  );
});

/**
 * Packs the built package with `npm pack` and returns the tarball's path. Its prepare script is
 * skipped: `npm test` has built lib/ already, and a second build would rewrite lib/ while other test
 * files run the built command.
 */
function packPackage(destination: string): string {
  const output = execFileSync("npm", ["pack", "--silent", "--ignore-scripts", "--pack-destination", destination], { cwd: REPOSITORY_ROOT, encoding: "utf8" });
  return path.join(destination, output.trim().split("\n").pop()!);
}

/**
 * Installs the tarball into a fresh project from npm's cache, without the network. `@pulumi/pulumi`
 * is a peer dependency that every Pulumi project has; this one links this repository's copy.
 */
function installTarball(projectDirectory: string, tarball: string): void {
  mkdirSync(path.join(projectDirectory, "node_modules"), { recursive: true });
  writeFileSync(path.join(projectDirectory, "package.json"), JSON.stringify({ name: "fresh-project", version: "1.0.0", private: true }));
  execFileSync(
    "npm",
    ["install", "--offline", "--no-audit", "--no-fund", "--ignore-scripts", "--legacy-peer-deps", "--loglevel=error", tarball],
    { cwd: projectDirectory, encoding: "utf8", timeout: 90_000 },
  );
  symlinkSync(path.join(REPOSITORY_ROOT, "node_modules/@pulumi"), path.join(projectDirectory, "node_modules/@pulumi"));
}

/** Prints the provider text a ServerMetadataKey stores, serialized inside the fresh project. */
function printProviderText(projectDirectory: string, extraEnvironment: NodeJS.ProcessEnv): string {
  const script = path.join(projectDirectory, "printSerializedProvider.js");
  copyFileSync(path.join(REPOSITORY_ROOT, "test/support/printSerializedProvider.js"), script);
  return execFileSync(process.execPath, [script], { cwd: projectDirectory, env: cleanEnvironment(extraEnvironment), encoding: "utf8" });
}
