// Shared set-up of the tests that drive ServerMetadataKey through Pulumi's real dynamic-provider host.
import { execFileSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

import { makeUrn, startDynamicProviderHost, type DynamicProviderHost } from "../../provider/harness";
import { withoutSettingsVariables } from "../../provider/settings/defaultSources";
import { loadSimulatorData, type SimulatorData } from "../../provider/simulator";

/** Repository root: the host's working directory, from which it loads `pulumi-ecs-metadata/provider-host`. */
export const REPOSITORY_ROOT = path.resolve(__dirname, "../..");

/** Project name the tests give the host. */
export const PROJECT_NAME = "provider-test";

/** Resource type of ServerMetadataKey. */
export const RESOURCE_TYPE = "pulumi-nodejs:dynamic/ecs-metadata:ServerMetadataKey";

/** Data file the tests load into the local ECS endpoint. */
export const DATA: SimulatorData = loadSimulatorData(path.join(REPOSITORY_ROOT, "test/fixtures/provider/servers.json"));

/** Server, project and credentials of the data file. */
export const SERVER_ID = DATA.projects[0].servers[0].id;
export const PROJECT_ID = DATA.projects[0].id;
export const REGION = DATA.projects[0].region;
export const PERMANENT = DATA.credentials[0];
export const TEMPORARY = DATA.credentials[1];

/** Returns a URN of a ServerMetadataKey named `name`. */
export function urnOf(name: string): string {
  return makeUrn("test", PROJECT_NAME, RESOURCE_TYPE, name);
}

/**
 * Returns the `__provider` text a ServerMetadataKey stores in state, produced in a plain Node process
 * from the built `lib/`, with `env` as its environment.
 */
export function serializedProviderText(env: NodeJS.ProcessEnv = process.env): string {
  return execFileSync(process.execPath, [path.join(REPOSITORY_ROOT, "test/support/printSerializedProvider.js")], {
    cwd: REPOSITORY_ROOT,
    env,
    encoding: "utf8",
  });
}

/** Returns stack config that points the provider at the local endpoint with the given credentials. */
export function stackConfig(endpoint: string, credentials: { accessKey: string; secretKey: string; securityToken?: string }): Record<string, string> {
  const config: Record<string, string> = {
    "huaweicloud:accessKey": credentials.accessKey,
    "huaweicloud:secretKey": credentials.secretKey,
    "huaweicloud:region": REGION,
    "huaweicloud:projectId": PROJECT_ID,
    "huaweicloud:endpoints": JSON.stringify({ ecs: endpoint }),
  };
  if (credentials.securityToken !== undefined) {
    config["huaweicloud:securityToken"] = credentials.securityToken;
  }
  return config;
}

/** Returns this process's environment without the variables settings are read from, and with an empty home folder, so a developer's own settings never leak in. */
export function cleanEnvironment(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return { ...withoutSettingsVariables(process.env), HOME: EMPTY_HOME, ...extra };
}

/** Empty home folder of the hosts the tests start, so that a developer's ~/.hcloud/config.json never applies. */
const EMPTY_HOME = mkdtempSync(path.join(tmpdir(), "ecs-metadata-test-home-"));

/** Starts a host in the repository root with a clean environment plus `extra`. */
export function startHost(extra: NodeJS.ProcessEnv = {}): Promise<DynamicProviderHost> {
  return startDynamicProviderHost({ cwd: REPOSITORY_ROOT, projectName: PROJECT_NAME, env: cleanEnvironment(extra) });
}
