// Each settings source, end to end: resolve the lookup's settings and credentials, then read a key from the local ECS endpoint.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

import { clearProjectIdCache, destroyConnectionAgents, resolveLookupAuth, sendIamRequest } from "../../provider/auth";
import { buildMetadataKeyUrl } from "../../provider/client";
import { defaultSources } from "../../provider/settings/defaultSources";
import { loadSimulatorData, startSimulator, type RunningSimulator } from "../../provider/simulator";
import { startIamSimulator } from "../../provider/simulator/iamServer";

const DATA = loadSimulatorData(path.resolve(__dirname, "../fixtures/simulator/data.json"));
const PROJECT = DATA.projects[0];
const SERVER_ID = PROJECT.servers[0].id;
const [PERMANENT, TEMPORARY] = DATA.credentials;

let ecs: RunningSimulator;
let home: string;
const messages: string[] = [];
const logger = { debug: (line: string) => messages.push(line), warn: (line: string) => messages.push(line) };

beforeAll(async () => {
  ecs = await startSimulator({ data: DATA });
  home = mkdtempSync(path.join(tmpdir(), "ecs-metadata-home-"));
  mkdirSync(path.join(home, ".hcloud"));
  writeFileSync(
    path.join(home, ".hcloud", "config.json"),
    JSON.stringify({
      current: "permanent",
      profiles: [
        { name: "permanent", mode: "AKSK", accessKeyId: PERMANENT.accessKey, secretAccessKey: PERMANENT.secretKey, region: PROJECT.region, projectId: PROJECT.id },
        { name: "temporary", mode: "AKSK", accessKeyId: TEMPORARY.accessKey, secretAccessKey: TEMPORARY.secretKey, securityToken: TEMPORARY.securityToken },
      ],
    }),
  );
});

afterAll(async () => {
  destroyConnectionAgents();
  await ecs.close();
  rmSync(home, { recursive: true, force: true });
});

beforeEach(() => clearProjectIdCache());

/** Resolves settings from config and env, then sends the signed GET of the key "role" to the local endpoint. */
async function readRole(config: Record<string, unknown>, env: NodeJS.ProcessEnv): Promise<{ status: number; body: string; accessKey?: string }> {
  const sources = defaultSources({ getConfig: (key) => config[key], env, homeDirectory: home });
  const auth = await resolveLookupAuth({ endpoint: ecs.url }, sources, { logger });
  const url = buildMetadataKeyUrl(auth.endpoints.ecs, { serverId: SERVER_ID, key: "role", projectId: auth.projectId, apiVersion: "v2.1" });
  const headers = await auth.authorizer.authorize({ method: "GET", url, headers: { Accept: "application/json" } });
  const response = await sendIamRequest({ method: "GET", url, headers }, auth.connection);
  return { status: response.status, body: response.body, accessKey: ecs.requests.at(-1)?.accessKey };
}

const ROLE = JSON.stringify({ meta: { role: "web" } });

describe("each source reaches the endpoint", () => {
  it("stack config", async () => {
    const result = await readRole({ "huaweicloud:accessKey": PERMANENT.accessKey, "huaweicloud:secretKey": PERMANENT.secretKey, "huaweicloud:projectId": PROJECT.id }, {});
    expect(result.body).toBe(ROLE);
  });

  it("HW_* variables with temporary credentials", async () => {
    const env = { HW_ACCESS_KEY: TEMPORARY.accessKey, HW_SECRET_KEY: TEMPORARY.secretKey, HW_SECURITY_TOKEN: TEMPORARY.securityToken, HW_PROJECT_ID: PROJECT.id };
    const result = await readRole({}, env);
    expect(result.body).toBe(ROLE);
    expect(result.accessKey).toBe(TEMPORARY.accessKey);
  });

  it("OS_* variables", async () => {
    const result = await readRole({}, { OS_ACCESS_KEY: PERMANENT.accessKey, OS_SECRET_KEY: PERMANENT.secretKey, OS_PROJECT_ID: PROJECT.id });
    expect(result.body).toBe(ROLE);
  });

  it("HUAWEICLOUD_SDK_* variables", async () => {
    const env = {
      HUAWEICLOUD_SDK_AK: TEMPORARY.accessKey,
      HUAWEICLOUD_SDK_SK: TEMPORARY.secretKey,
      HUAWEICLOUD_SDK_SECURITY_TOKEN: TEMPORARY.securityToken,
      HUAWEICLOUD_SDK_PROJECT_ID: PROJECT.id,
    };
    const result = await readRole({}, env);
    expect(result.body).toBe(ROLE);
  });

  it("the current profile of ~/.hcloud/config.json", async () => {
    const result = await readRole({}, {});
    expect(result.body).toBe(ROLE);
    expect(result.accessKey).toBe(PERMANENT.accessKey);
  });

  it("the profile chosen by huaweicloud:profile", async () => {
    const result = await readRole({ "huaweicloud:profile": "temporary", "huaweicloud:projectId": PROJECT.id }, {});
    expect(result.accessKey).toBe(TEMPORARY.accessKey);
    expect(result.status).toBe(200);
  });

  it("stack config over a different pair in HW_*", async () => {
    const result = await readRole(
      { "huaweicloud:accessKey": PERMANENT.accessKey, "huaweicloud:secretKey": PERMANENT.secretKey, "huaweicloud:projectId": PROJECT.id },
      { HW_ACCESS_KEY: TEMPORARY.accessKey, HW_SECRET_KEY: TEMPORARY.secretKey, HW_SECURITY_TOKEN: TEMPORARY.securityToken },
    );
    expect(result.accessKey).toBe(PERMANENT.accessKey);
  });

  it("a wrong secret key gets 401 from the endpoint", async () => {
    const result = await readRole({ "huaweicloud:accessKey": PERMANENT.accessKey, "huaweicloud:secretKey": "wrong-secret-0001", "huaweicloud:projectId": PROJECT.id }, {});
    expect(result.status).toBe(401);
  });
});

describe("project id discovery with the profile's credentials", () => {
  it("finds the project at IAM when none is set", async () => {
    const iam = await startIamSimulator({ credentials: DATA.credentials, projects: [{ id: PROJECT.id, name: PROJECT.region }] });
    try {
      const result = await readRole({ "huaweicloud:profile": "temporary", "huaweicloud:region": PROJECT.region, "huaweicloud:authUrl": iam.endpoint }, {});
      expect(result.body).toBe(ROLE);
      expect(iam.projectRequestCount).toBe(1);
    } finally {
      await iam.close();
    }
  });
});

describe("secrets", () => {
  it("appear in no log line", () => {
    const text = messages.join("\n") + JSON.stringify(ecs.requests);
    for (const secret of [PERMANENT.secretKey, TEMPORARY.secretKey, TEMPORARY.securityToken!, "wrong-secret-0001"]) {
      expect(text).not.toContain(secret);
    }
  });
});
