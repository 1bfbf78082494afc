import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";

import { startDynamicProviderHost } from "../../provider/harness";
import { FIXTURES, REPOSITORY_ROOT, findMarkedProcesses, markedEnvironment } from "./childProcesses";

/** Environment whose NODE_OPTIONS preloads a fixture script into the host. */
function preloading(fixture: string): { env: NodeJS.ProcessEnv; marker: string } {
  const { env, marker } = markedEnvironment();
  return { env: { ...env, NODE_OPTIONS: `--require ${path.join(FIXTURES, fixture)}` }, marker };
}

describe("startDynamicProviderHost", () => {
  it("starts and stops a host", async () => {
    const { env, marker } = markedEnvironment();
    const host = await startDynamicProviderHost({ cwd: REPOSITORY_ROOT, projectName: "p", env });

    expect(host.port).toBeGreaterThan(0);
    expect(findMarkedProcesses(marker)).toEqual([host.pid]);

    await host.stop();

    expect(findMarkedProcesses(marker)).toEqual([]);
  });

  it("rejects a cwd without @pulumi/pulumi", async () => {
    const emptyFolder = mkdtempSync(path.join(os.tmpdir(), "harness-no-pulumi-"));
    try {
      const start = startDynamicProviderHost({ cwd: emptyFolder, projectName: "p" });

      await expect(start).rejects.toThrow(`@pulumi/pulumi/cmd/dynamic-provider was not found from ${emptyFolder}`);
    } finally {
      rmSync(emptyFolder, { recursive: true, force: true });
    }
  });

  it("times out without a port", async () => {
    const { env, marker } = preloading("silent-host.js");
    const start = startDynamicProviderHost({ cwd: REPOSITORY_ROOT, projectName: "p", env, startTimeoutMs: 1_000 });

    await expect(start).rejects.toThrow("timed out after 1000 ms waiting for the dynamic-provider host to print its port");
    expect(findMarkedProcesses(marker)).toEqual([]);
  });

  it("reports a host that exits early", async () => {
    const { env } = preloading("exiting-host.js");
    const start = startDynamicProviderHost({ cwd: REPOSITORY_ROOT, projectName: "p", env });

    await expect(start).rejects.toThrow(
      "dynamic-provider host exited with exit code 3 before printing its port; stderr: host stopped by the exiting-host fixture",
    );
  });
});
