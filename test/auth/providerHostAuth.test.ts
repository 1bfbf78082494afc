// The resource resolves the new sources and auth modes like the function: driven through Pulumi's real dynamic-provider host.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

import type { DynamicProviderHost, PropertyMap } from "../../provider/harness";
import { generateSelfSignedCertificate, startSimulator, type RunningSimulator } from "../../provider/simulator";
import { DATA, PERMANENT, PROJECT_ID, REGION, SERVER_ID, serializedProviderText, startHost, urnOf } from "../support/providerFixtures";

const USER = { name: "host-deployer", password: "Sim-Password-Granite-0003", domainName: "example-account" };
const TLS = generateSelfSignedCertificate({ ipAddresses: ["127.0.0.1"] });

let simulator: RunningSimulator;
let providerText: string;
let home: string;
let caFile: string;

beforeAll(async () => {
  simulator = await startSimulator({ data: DATA, iam: { users: [USER] }, tls: TLS });
  providerText = serializedProviderText();
  home = mkdtempSync(path.join(tmpdir(), "ecs-metadata-host-home-"));
  caFile = path.join(home, "ca.pem");
  writeFileSync(caFile, TLS.cert);
  mkdirSync(path.join(home, ".hcloud"));
  writeFileSync(
    path.join(home, ".hcloud", "config.json"),
    JSON.stringify({ current: "ci", profiles: [{ name: "ci", mode: "AKSK", accessKeyId: PERMANENT.accessKey, secretAccessKey: PERMANENT.secretKey, region: REGION, projectId: PROJECT_ID }] }),
  );
});

afterAll(async () => {
  await simulator?.close();
  rmSync(home, { recursive: true, force: true });
});

function inputs(): PropertyMap {
  return { __provider: providerText, serverId: SERVER_ID, key: "role" };
}

async function createWith(config: Record<string, string>, env: NodeJS.ProcessEnv = {}): Promise<{ outputs: PropertyMap; host: DynamicProviderHost }> {
  const host = await startHost({ HOME: home, ...env });
  try {
    await host.client.configure(config);
    const checked = await host.client.check(urnOf("lookup"), {}, inputs());
    expect(checked.failures).toEqual([]);
    const created = await host.client.create(urnOf("lookup"), checked.inputs);
    return { outputs: created.properties, host };
  } finally {
    await host.stop();
  }
}

describe("provider host", () => {
  it("reads the key with a user name and password over TLS", async () => {
    const { outputs } = await createWith({
      "huaweicloud:userName": USER.name,
      "huaweicloud:password": USER.password,
      "huaweicloud:domainName": USER.domainName,
      "huaweicloud:region": REGION,
      "huaweicloud:endpoints": JSON.stringify({ ecs: simulator.url, iam: simulator.url }),
      "huaweicloud:cacertFile": caFile,
    });
    expect(outputs.value).toBe("web");
    expect(outputs.projectId).toBe(PROJECT_ID);
  }, 60_000);

  it("reads the key with the profile in ~/.hcloud/config.json", async () => {
    const { outputs } = await createWith({ "huaweicloud:endpoints": JSON.stringify({ ecs: simulator.url }) }, { OS_CACERT: caFile });
    expect(outputs.value).toBe("web");
  }, 60_000);

  it("keeps passwords and tokens out of the serialized provider", () => {
    const text = serializedProviderText({ ...process.env, HW_USER_PASSWORD: USER.password, HW_AUTH_TOKEN: "host-direct-token-0003", OS_PASSWORD: USER.password });
    expect(text).not.toContain(USER.password);
    expect(text).not.toContain("host-direct-token-0003");
  });
});
