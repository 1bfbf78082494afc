// Metadata lookups in every auth mode through EcsClient, end to end against the local ECS endpoint with its IAM calls, over TLS.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import http from "node:http";
import net from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";

import { clearProjectIdCache, clearTokenCache, destroyConnectionAgents, getConnectionAgent, resolveLookupAuth, type LookupAuth } from "../../provider/auth";
import { EcsClient, UnauthorizedError } from "../../provider/client";
import { defaultSources } from "../../provider/settings/defaultSources";
import { generateSelfSignedCertificate, loadSimulatorData, startSimulator, type RunningSimulator } from "../../provider/simulator";

const DATA = loadSimulatorData(path.resolve(__dirname, "../fixtures/simulator/data.json"));
const PROJECT = DATA.projects[0];
const SERVER_ID = PROJECT.servers[0].id;
const [PERMANENT, TEMPORARY] = DATA.credentials;
const USER = { name: "pulumi-deployer", password: "Sim-Password-Basalt-0002", domainName: "example-account" };
const TEST_CLOUD = "simulated.test";
const TLS = generateSelfSignedCertificate({
  dnsNames: [`ecs.${PROJECT.region}.${TEST_CLOUD}`, `iam.${PROJECT.region}.${TEST_CLOUD}`],
  ipAddresses: ["127.0.0.1"],
});

let ecs: RunningSimulator;
let home: string;
let caFile: string;
const messages: string[] = [];
const simulatorLog: string[] = [];
const logger = { debug: (line: string) => messages.push(line), warn: (line: string) => messages.push(line) };

beforeAll(async () => {
  ecs = await startSimulator({ data: DATA, iam: { users: [USER] }, tls: TLS, log: (line) => simulatorLog.push(line) });
  home = mkdtempSync(path.join(tmpdir(), "ecs-metadata-home-"));
  caFile = path.join(home, "ca.pem");
  writeFileSync(caFile, TLS.cert);
});

afterAll(async () => {
  destroyConnectionAgents();
  await ecs.close();
  rmSync(home, { recursive: true, force: true });
});

beforeEach(() => {
  clearTokenCache();
  clearProjectIdCache();
});

function tokenRequests(): number {
  return ecs.requests.filter((entry) => entry.path === "/v3/auth/tokens").length;
}

/** Resolves the settings, then reads the key "role" through an EcsClient that uses the resolved authorizer and connection. */
async function readRole(config: Record<string, unknown>, env: NodeJS.ProcessEnv = {}): Promise<string> {
  try {
    const sources = defaultSources({ getConfig: (key) => config[key], env, homeDirectory: home });
    const auth: LookupAuth = await resolveLookupAuth({}, sources, { logger });
    const client = new EcsClient({
      endpoint: auth.endpoints.ecs,
      ...(auth.credentials.kind === "accessKey" ? { credentials: auth.credentials } : { authorizer: auth.authorizer }),
      agentFor: (url) => getConnectionAgent(url, auth.connection),
      maxRetries: 0,
      logger,
    });
    return await client.getMetadataKey({ serverId: SERVER_ID, key: "role", projectId: auth.projectId, apiVersion: "v2.1" });
  } catch (error) {
    messages.push((error as Error).message);
    throw error;
  }
}

async function failureOf(action: () => Promise<unknown>): Promise<Error> {
  try {
    await action();
  } catch (error) {
    return error as Error;
  }
  throw new Error("expected a failure");
}

const passwordConfig = () => ({
  "huaweicloud:userName": USER.name,
  "huaweicloud:password": USER.password,
  "huaweicloud:domainName": USER.domainName,
  "huaweicloud:region": PROJECT.region,
  "huaweicloud:endpoints": { ecs: ecs.url, iam: ecs.url },
  "huaweicloud:cacertFile": caFile,
});

describe("password mode", () => {
  it("reads the key with a token and a discovered project id", async () => {
    expect(await readRole(passwordConfig())).toBe("web");
    expect(tokenRequests()).toBeGreaterThan(0);
  });

  it("reuses the cached token", async () => {
    await readRole(passwordConfig());
    const before = tokenRequests();
    await readRole(passwordConfig());
    expect(tokenRequests() - before).toBe(0);
  });

  it("renews an expired token exactly once", async () => {
    await readRole(passwordConfig());
    ecs.iamTokens!.expireAll();
    const before = tokenRequests();
    expect(await readRole(passwordConfig())).toBe("web");
    expect(tokenRequests() - before).toBe(1);
  });

  it("fails when the renewed token is refused too", async () => {
    await readRole(passwordConfig());
    ecs.iamTokens!.expireAll();
    ecs.iamTokens!.lifetimeMs = 0;
    try {
      const before = tokenRequests();
      const error = await failureOf(() => readRole(passwordConfig()));
      expect(error).toBeInstanceOf(UnauthorizedError);
      expect(tokenRequests() - before).toBe(1);
    } finally {
      ecs.iamTokens!.lifetimeMs = 24 * 60 * 60 * 1000;
    }
  });
});

describe("other modes", () => {
  it("reads the key with a token given in HW_AUTH_TOKEN", async () => {
    const token = ecs.iamTokens!.issue({ principal: "user given-token", projectId: PROJECT.id }).token;
    const env = { HW_AUTH_TOKEN: token, HW_REGION_NAME: PROJECT.region, HW_PROJECT_ID: PROJECT.id, OS_CACERT: caFile };
    expect(await readRole({ "huaweicloud:endpoints": { ecs: ecs.url } }, env)).toBe("web");
  });

  it("fails on an expired given token, which cannot be renewed", async () => {
    const token = ecs.iamTokens!.issue({ principal: "user given-token" }).token;
    ecs.iamTokens!.expireAll();
    const env = { HW_AUTH_TOKEN: token, HW_PROJECT_ID: PROJECT.id, OS_CACERT: caFile };
    const error = await failureOf(() => readRole({ "huaweicloud:endpoints": { ecs: ecs.url }, "huaweicloud:region": PROJECT.region }, env));
    expect(error).toBeInstanceOf(UnauthorizedError);
  });

  it("reads the key with temporary AK/SK over TLS", async () => {
    const config = {
      "huaweicloud:accessKey": TEMPORARY.accessKey,
      "huaweicloud:secretKey": TEMPORARY.secretKey,
      "huaweicloud:securityToken": TEMPORARY.securityToken,
      "huaweicloud:region": PROJECT.region,
      "huaweicloud:projectId": PROJECT.id,
      "huaweicloud:endpoints": { ecs: ecs.url },
      "huaweicloud:cacertFile": caFile,
    };
    expect(await readRole(config)).toBe("web");
  });

  it("names the access key id and endpoint for a wrong secret key", async () => {
    const config = {
      "huaweicloud:accessKey": PERMANENT.accessKey,
      "huaweicloud:secretKey": "wrong-secret-key-0002",
      "huaweicloud:region": PROJECT.region,
      "huaweicloud:projectId": PROJECT.id,
      "huaweicloud:endpoints": { ecs: ecs.url },
      "huaweicloud:insecure": "true",
    };
    const error = await failureOf(() => readRole(config));
    expect(error).toBeInstanceOf(UnauthorizedError);
    expect(error.message).toContain(PERMANENT.accessKey);
    expect(error.message).toContain(ecs.url);
  });
});

describe("through a proxy", () => {
  let proxy: http.Server;
  const connectTargets: string[] = [];
  const saved = { upper: process.env.HTTPS_PROXY, lower: process.env.https_proxy, noProxy: process.env.NO_PROXY, noProxyLower: process.env.no_proxy };

  beforeAll(async () => {
    // Tunnels the two simulated host names to the local endpoint and rejects every other target.
    proxy = http.createServer((_request, response) => response.writeHead(405).end());
    proxy.on("connect", (request: http.IncomingMessage, clientSocket: net.Socket, head: Buffer) => {
      connectTargets.push(request.url ?? "");
      if (!/^(ecs|iam)\.cn-north-4\.simulated\.test:443$/.test(request.url ?? "")) {
        clientSocket.end("HTTP/1.1 403 Forbidden\r\n\r\n");
        return;
      }
      const upstream = net.connect(ecs.port, "127.0.0.1", () => {
        clientSocket.write("HTTP/1.1 200 Connection Established\r\n\r\n");
        upstream.write(head);
        upstream.pipe(clientSocket);
        clientSocket.pipe(upstream);
      });
      upstream.on("error", () => clientSocket.destroy());
      clientSocket.on("error", () => upstream.destroy());
    });
    await new Promise<void>((resolve) => proxy.listen(0, "127.0.0.1", resolve));
    delete process.env.https_proxy;
    delete process.env.NO_PROXY;
    delete process.env.no_proxy;
    process.env.HTTPS_PROXY = `http://127.0.0.1:${(proxy.address() as net.AddressInfo).port}`;
    destroyConnectionAgents();
  });

  afterAll(async () => {
    const restore = (name: string, value: string | undefined) => (value === undefined ? delete process.env[name] : (process.env[name] = value));
    restore("HTTPS_PROXY", saved.upper);
    restore("https_proxy", saved.lower);
    restore("NO_PROXY", saved.noProxy);
    restore("no_proxy", saved.noProxyLower);
    destroyConnectionAgents();
    proxy.closeAllConnections();
    await new Promise<void>((resolve) => proxy.close(() => resolve()));
  });

  it("sends IAM and ECS requests through CONNECT", async () => {
    const config = { ...passwordConfig(), "huaweicloud:endpoints": undefined, "huaweicloud:cloud": TEST_CLOUD };
    expect(await readRole(config)).toBe("web");
    expect([...new Set(connectTargets)].sort()).toEqual([`ecs.${PROJECT.region}.${TEST_CLOUD}:443`, `iam.${PROJECT.region}.${TEST_CLOUD}:443`]);
  });
});

describe("secrets", () => {
  it("appear in no message, client log line or simulator log", () => {
    const secrets = [USER.password, PERMANENT.secretKey, TEMPORARY.secretKey, TEMPORARY.securityToken!, "wrong-secret-key-0002", ...ecs.iamTokens!.issuedTokens()];
    const text = [...messages, ...simulatorLog, JSON.stringify(ecs.requests)].join("\n");
    expect(messages.length).toBeGreaterThan(5);
    for (const secret of secrets) {
      expect(text).not.toContain(secret);
    }
  });
});
