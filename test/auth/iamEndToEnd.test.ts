// Credential modes, project id discovery, TLS and proxies, end to end against the local IAM endpoint on 127.0.0.1.
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import http from "node:http";
import net from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";

import {
  clearProjectIdCache,
  clearTokenCache,
  destroyConnectionAgents,
  resolveLookupAuth,
  sendWithTokenRenewal,
  isExpiredTokenResponse,
  sendIamRequest,
  type LookupAuth,
} from "../../provider/auth";
import { InvalidInputError, NetworkError, UnauthorizedError } from "../../provider/client";
import { defaultSources } from "../../provider/settings/defaultSources";
import { startIamSimulator, type RunningIamSimulator } from "../../provider/simulator/iamServer";
import { generateSelfSignedCertificate } from "../../provider/simulator/tlsCertificate";

const REGION = "cn-north-4";
const PROJECT_ID = "0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e";
const USER = { name: "pulumi-deployer", password: "Sim-Password-Quartz-0001", domainName: "example-account" };
const PERMANENT = { accessKey: "SIMIAMPERMANENTAK001", secretKey: "sim-iam-secret-permanent-0001" };
const TEMPORARY = { accessKey: "SIMIAMTEMPORARYAK001", secretKey: "sim-iam-secret-temporary-0001", securityToken: "sim-iam-session-token-0001" };
const DIRECT_TOKEN = "sim-direct-token-that-iam-never-issued-0001";
const WRONG_SECRETS = ["sim-wrong-secret-0001", "Sim-Wrong-Password-0001"];

/** Cloud domain under the reserved .test TLD: it never resolves, so only the test proxy can reach it. */
const TEST_CLOUD = "simulated.test";
const TLS = generateSelfSignedCertificate({ dnsNames: ["localhost", `iam.${REGION}.${TEST_CLOUD}`], ipAddresses: ["127.0.0.1"] });

const messages: string[] = [];
const logger = { debug: (line: string) => messages.push(line), warn: (line: string) => messages.push(line) };
const home = mkdtempSync(path.join(tmpdir(), "ecs-metadata-home-"));
const caFile = path.join(home, "ca.pem");
writeFileSync(caFile, TLS.cert);

let plain: RunningIamSimulator;
let secure: RunningIamSimulator;
const simulatorLog: string[] = [];

function simulatorOptions() {
  return {
    users: [USER],
    credentials: [PERMANENT, TEMPORARY],
    projects: [
      { id: PROJECT_ID, name: REGION },
      { id: "1b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e", name: "ap-southeast-1" },
    ],
    log: (line: string) => simulatorLog.push(line),
  };
}

beforeAll(async () => {
  plain = await startIamSimulator(simulatorOptions());
  secure = await startIamSimulator({ ...simulatorOptions(), tls: TLS });
});

afterAll(async () => {
  destroyConnectionAgents();
  await plain.close();
  await secure.close();
  rmSync(home, { recursive: true, force: true });
});

beforeEach(() => {
  clearTokenCache();
  clearProjectIdCache();
});

function sourcesOf(config: Record<string, unknown>, env: NodeJS.ProcessEnv = {}) {
  return defaultSources({ getConfig: (key) => config[key], env, homeDirectory: home });
}

async function resolve(config: Record<string, unknown>, env: NodeJS.ProcessEnv = {}): Promise<LookupAuth> {
  try {
    return await resolveLookupAuth({}, sourcesOf(config, env), { logger });
  } catch (error) {
    messages.push((error as Error).message);
    throw error;
  }
}

async function failureOf(action: () => Promise<unknown>): Promise<Error> {
  try {
    await action();
  } catch (error) {
    messages.push((error as Error).message);
    return error as Error;
  }
  throw new Error("expected a failure");
}

/** Sends GET /v3/projects with the lookup's authorizer, renewing an expired token once. */
async function listProjects(auth: LookupAuth, iamEndpoint: string) {
  const url = new URL(`${iamEndpoint}/projects`);
  return sendWithTokenRenewal(
    auth.authorizer,
    { method: "GET", url, headers: {} },
    (headers) => sendIamRequest({ method: "GET", url, headers }, auth.connection),
    (response) => isExpiredTokenResponse(response.status, response.body),
  );
}

describe("password mode", () => {
  const config = () => ({
    "huaweicloud:userName": USER.name,
    "huaweicloud:password": USER.password,
    "huaweicloud:domainName": USER.domainName,
    "huaweicloud:region": REGION,
    "huaweicloud:authUrl": plain.endpoint,
  });

  it("exchanges the password for a token and finds the project id", async () => {
    const before = plain.tokenRequestCount;
    const auth = await resolve(config());
    expect(auth.projectId).toBe(PROJECT_ID);
    expect(plain.tokenRequestCount - before).toBe(1);
  });

  it("caches the token for its lifetime", async () => {
    const first = await resolve(config());
    await listProjects(first, plain.endpoint);
    const before = plain.tokenRequestCount;
    const second = await resolve(config());
    await listProjects(second, plain.endpoint);
    expect(plain.tokenRequestCount - before).toBe(0);
  });

  it("renews an expired token exactly once", async () => {
    const auth = await resolve(config());
    plain.tokens.expireAll();
    const before = plain.tokenRequestCount;
    const response = await listProjects(auth, plain.endpoint);
    expect(response.status).toBe(200);
    expect(plain.tokenRequestCount - before).toBe(1);
  });

  it("fails on a second expired-token 401 instead of looping", async () => {
    const auth = await resolve(config());
    plain.tokens.lifetimeMs = 0;
    plain.tokens.expireAll();
    const before = plain.tokenRequestCount;
    try {
      const response = await listProjects(auth, plain.endpoint);
      expect(response.status).toBe(401);
      expect(response.body).toContain("APIGW.0307");
      expect(plain.tokenRequestCount - before).toBe(1);
    } finally {
      plain.tokens.lifetimeMs = 24 * 60 * 60 * 1000;
    }
  });

  it("names the user, domain and endpoint for a wrong password", async () => {
    const error = await failureOf(() => resolve({ ...config(), "huaweicloud:password": WRONG_SECRETS[1] }));
    expect(error).toBeInstanceOf(UnauthorizedError);
    expect(error.message).toContain(`IAM user "${USER.name}" of domain "${USER.domainName}"`);
    expect(error.message).toContain(plain.url);
  });

  it("rejects a password without a domain name", async () => {
    const error = await failureOf(() => resolve({ "huaweicloud:userName": USER.name, "huaweicloud:password": USER.password, "huaweicloud:region": REGION }));
    expect(error.message).toContain("huaweicloud:domainName");
  });
});

describe("project id discovery", () => {
  const config = (region: string) => ({
    "huaweicloud:accessKey": PERMANENT.accessKey,
    "huaweicloud:secretKey": PERMANENT.secretKey,
    "huaweicloud:region": region,
    "huaweicloud:endpoints": { iam: plain.url },
  });

  it("finds the project of the region with a signed request", async () => {
    const auth = await resolve(config("ap-southeast-1"));
    expect(auth.projectId).toBe("1b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e");
  });

  it("asks IAM once per region and process", async () => {
    const before = plain.projectRequestCount;
    await resolve(config(REGION));
    await resolve(config(REGION));
    expect(plain.projectRequestCount - before).toBe(1);
  });

  it("skips IAM when the project id is set", async () => {
    const before = plain.projectRequestCount;
    const auth = await resolve({ ...config(REGION), "huaweicloud:projectId": PROJECT_ID });
    expect(auth.projectId).toBe(PROJECT_ID);
    expect(plain.projectRequestCount - before).toBe(0);
  });

  it("names the region that has no project", async () => {
    const error = await failureOf(() => resolve(config("la-south-2")));
    expect(error).toBeInstanceOf(InvalidInputError);
    expect(error.message).toContain('no project named "la-south-2"');
  });

  it("signs with temporary credentials and their security token", async () => {
    const auth = await resolve({ ...config(REGION), "huaweicloud:accessKey": TEMPORARY.accessKey, "huaweicloud:secretKey": TEMPORARY.secretKey, "huaweicloud:securityToken": TEMPORARY.securityToken });
    expect(auth.projectId).toBe(PROJECT_ID);
    expect(plain.requests.at(-1)?.principal).toBe(TEMPORARY.accessKey);
  });

  it("names the access key id and the endpoint for a wrong secret key", async () => {
    const error = await failureOf(() => resolve({ ...config(REGION), "huaweicloud:secretKey": WRONG_SECRETS[0] }));
    expect(error).toBeInstanceOf(UnauthorizedError);
    expect(error.message).toContain(`access key id "${PERMANENT.accessKey}"`);
    expect(error.message).toContain(plain.url);
  });

  it("sends a direct IAM token as X-Auth-Token", async () => {
    const error = await failureOf(() => resolve({ ...config(REGION), "huaweicloud:token": DIRECT_TOKEN }));
    expect(error).toBeInstanceOf(UnauthorizedError);
    expect(error.message).toContain("the IAM token from Pulumi stack config");
  });

  it("uses a token issued by IAM when given directly", async () => {
    const issuer = await resolve({
      "huaweicloud:userName": USER.name,
      "huaweicloud:password": USER.password,
      "huaweicloud:domainName": USER.domainName,
      "huaweicloud:region": REGION,
      "huaweicloud:projectId": PROJECT_ID,
      "huaweicloud:authUrl": plain.endpoint,
    });
    const headers = await issuer.authorizer.authorize({ method: "GET", url: new URL(plain.url), headers: {} });
    const auth = await resolve({}, { HW_AUTH_TOKEN: headers["X-Auth-Token"], HW_REGION_NAME: REGION, HW_AUTH_URL: plain.endpoint });
    expect(auth.projectId).toBe(PROJECT_ID);
  });
});

describe("TLS", () => {
  const config = (extra: Record<string, unknown> = {}) => ({
    "huaweicloud:accessKey": PERMANENT.accessKey,
    "huaweicloud:secretKey": PERMANENT.secretKey,
    "huaweicloud:region": REGION,
    "huaweicloud:authUrl": secure.endpoint,
    ...extra,
  });

  it("fails without the CA, naming the certificate problem", async () => {
    const error = await failureOf(() => resolve(config()));
    expect(error).toBeInstanceOf(NetworkError);
    expect(error.message).toContain("huaweicloud:cacertFile");
  });

  it("trusts a CA bundle from huaweicloud:cacertFile", async () => {
    const auth = await resolve(config({ "huaweicloud:cacertFile": caFile }));
    expect(auth.projectId).toBe(PROJECT_ID);
  });

  it("trusts a CA bundle from OS_CACERT", async () => {
    const auth = await resolve(config(), { OS_CACERT: caFile });
    expect(auth.projectId).toBe(PROJECT_ID);
  });

  it("connects with huaweicloud:insecure and warns", async () => {
    const before = messages.length;
    const auth = await resolve(config({ "huaweicloud:insecure": "true" }));
    expect(auth.projectId).toBe(PROJECT_ID);
    expect(messages.slice(before).join("\n")).toContain("TLS certificate verification is off because huaweicloud:insecure is true");
  });

  it("rejects an insecure value that is not a boolean", async () => {
    const error = await failureOf(() => resolve(config(), { HW_INSECURE: "sometimes" }));
    expect(error.message).toContain('HW_INSECURE "sometimes" is not a boolean');
  });

  it("trusts NODE_EXTRA_CA_CERTS, which Node reads at start", async () => {
    const script = [
      'require("ts-node/register/transpile-only");',
      'const { sendIamRequest } = require("./provider/auth");',
      `sendIamRequest({ method: "GET", url: new URL("${secure.endpoint}/projects"), headers: {} }, { insecure: false })`,
      "  .then((response) => { console.log(response.status); process.exit(0); })",
      "  .catch((error) => { console.log(error.code ?? error.message); process.exit(0); });",
    ].join("\n");
    const run = (env: NodeJS.ProcessEnv) => promisify(execFile)(process.execPath, ["-e", script], { cwd: path.resolve(__dirname, "../.."), env: { PATH: process.env.PATH, ...env } });

    const trusted = await run({ NODE_EXTRA_CA_CERTS: caFile });
    const untrusted = await run({});
    expect(trusted.stdout.trim()).toBe("401");
    expect(untrusted.stdout.trim()).not.toBe("401");
  }, 30_000);
});

describe("proxies", () => {
  let proxy: http.Server;
  let proxyUrl: string;
  const connectTargets: string[] = [];
  const savedEnvironment: Record<string, string | undefined> = {};
  const PROXY_NAMES = ["HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy", "NO_PROXY", "no_proxy", "ALL_PROXY", "all_proxy"];

  beforeAll(async () => {
    // A CONNECT proxy that tunnels only to the TLS IAM simulator, whatever host name the client asks for.
    proxy = http.createServer((_request, response) => response.writeHead(405).end());
    proxy.on("connect", (request: http.IncomingMessage, clientSocket: net.Socket, head: Buffer) => {
      connectTargets.push(request.url ?? "");
      if (request.url !== `iam.${REGION}.${TEST_CLOUD}:443`) {
        clientSocket.end("HTTP/1.1 403 Forbidden\r\n\r\n");
        return;
      }
      const upstream = net.connect(secure.port, "127.0.0.1", () => {
        clientSocket.write("HTTP/1.1 200 Connection Established\r\n\r\n");
        upstream.write(head);
        upstream.pipe(clientSocket);
        clientSocket.pipe(upstream);
      });
      upstream.on("error", () => clientSocket.destroy());
      clientSocket.on("error", () => upstream.destroy());
    });
    await new Promise<void>((resolve) => proxy.listen(0, "127.0.0.1", resolve));
    proxyUrl = `http://127.0.0.1:${(proxy.address() as net.AddressInfo).port}`;
    for (const name of PROXY_NAMES) {
      savedEnvironment[name] = process.env[name];
      delete process.env[name];
    }
  });

  afterAll(async () => {
    for (const name of PROXY_NAMES) {
      if (savedEnvironment[name] === undefined) {
        delete process.env[name];
      } else {
        process.env[name] = savedEnvironment[name];
      }
    }
    destroyConnectionAgents();
    proxy.closeAllConnections();
    await new Promise<void>((resolve) => proxy.close(() => resolve()));
  });

  beforeEach(() => {
    connectTargets.length = 0;
    destroyConnectionAgents();
  });

  const config = () => ({
    "huaweicloud:accessKey": PERMANENT.accessKey,
    "huaweicloud:secretKey": PERMANENT.secretKey,
    "huaweicloud:region": REGION,
    "huaweicloud:cloud": TEST_CLOUD,
    "huaweicloud:cacertFile": caFile,
  });

  it("tunnels through HTTPS_PROXY with CONNECT", async () => {
    process.env.HTTPS_PROXY = proxyUrl;
    try {
      const auth = await resolve(config());
      expect(auth.projectId).toBe(PROJECT_ID);
      expect(connectTargets).toEqual([`iam.${REGION}.${TEST_CLOUD}:443`]);
    } finally {
      delete process.env.HTTPS_PROXY;
    }
  });

  it("never sends loopback requests through the proxy", async () => {
    process.env.HTTPS_PROXY = proxyUrl;
    try {
      const auth = await resolve({ ...config(), "huaweicloud:authUrl": secure.endpoint });
      expect(auth.projectId).toBe(PROJECT_ID);
      expect(connectTargets).toEqual([]);
    } finally {
      delete process.env.HTTPS_PROXY;
    }
  });
});

describe("secrets", () => {
  it("appear in no error message, log line or simulator log", () => {
    const secrets = [
      USER.password,
      PERMANENT.secretKey,
      TEMPORARY.secretKey,
      TEMPORARY.securityToken,
      DIRECT_TOKEN,
      ...WRONG_SECRETS,
      ...plain.tokens.issuedTokens(),
      ...secure.tokens.issuedTokens(),
    ];
    const text = [...messages, ...simulatorLog, JSON.stringify(plain.requests), JSON.stringify(secure.requests)].join("\n");
    expect(messages.length).toBeGreaterThan(5);
    expect(secrets.length).toBeGreaterThan(8);
    for (const secret of secrets) {
      expect(text).not.toContain(secret);
    }
  });
});
