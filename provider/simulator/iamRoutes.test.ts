import { signRequest } from "../signer";
import { authenticateIamOrEcsRequest, handleIamRequest, type IamRouteContext } from "./iamRoutes";
import { IamTokenRegistry } from "./iamTokens";
import type { ReceivedRequest } from "./verifySignature";

const NOW = new Date("2026-01-01T00:00:00Z");
const USER = { name: "alice", password: "alice-password-0001", domainName: "example" };
const CREDENTIAL = { accessKey: "SIMAK0001", secretKey: "sim-secret-0001" };

function context(): IamRouteContext {
  return {
    users: [USER],
    projects: [{ id: "0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e", name: "cn-north-4" }],
    tokens: new IamTokenRegistry(() => NOW),
    findCredential: (accessKey) => (accessKey === CREDENTIAL.accessKey ? CREDENTIAL : undefined),
    now: () => NOW,
  };
}

function post(body: unknown): ReceivedRequest {
  return { method: "POST", rawPath: "/v3/auth/tokens", rawQuery: "", headers: {}, body: Buffer.from(JSON.stringify(body)) };
}

function passwordBody(password: string, scope?: unknown) {
  return {
    auth: {
      identity: { methods: ["password"], password: { user: { name: USER.name, password, domain: { name: USER.domainName } } } },
      ...(scope === undefined ? {} : { scope }),
    },
  };
}

describe("POST /v3/auth/tokens", () => {
  it("returns the token in X-Subject-Token with a 24-hour expiry", () => {
    const outcome = handleIamRequest(context(), post(passwordBody(USER.password, { project: { name: "cn-north-4" } })), "rid");
    expect(outcome.response.status).toBe(201);
    expect(outcome.response.headers?.["X-Subject-Token"]).toMatch(/^SIMTOKEN-/);
    expect(outcome.response.body).toMatchObject({ token: { expires_at: "2026-01-02T00:00:00.000Z", project: { name: "cn-north-4" } } });
  });

  it("accepts an hw_ak_sk identity", () => {
    const body = { auth: { identity: { methods: ["hw_ak_sk"], hw_ak_sk: { access: { key: CREDENTIAL.accessKey }, secret: { key: CREDENTIAL.secretKey } } } } };
    expect(handleIamRequest(context(), post(body), "rid").response.status).toBe(201);
  });

  it("rejects a wrong password without echoing it", () => {
    const outcome = handleIamRequest(context(), post(passwordBody("wrong-password-0001")), "rid");
    expect(outcome.response.status).toBe(401);
    expect(JSON.stringify(outcome.response.body)).not.toContain("wrong-password-0001");
  });

  it("rejects an unknown project scope", () => {
    expect(handleIamRequest(context(), post(passwordBody(USER.password, { project: { name: "xx-none-1" } })), "rid").response.status).toBe(401);
  });

  it("rejects a body that is not JSON", () => {
    const request = { ...post({}), body: Buffer.from("{") };
    expect(handleIamRequest(context(), request, "rid").response.status).toBe(400);
  });
});

describe("authenticateIamOrEcsRequest", () => {
  it("accepts an issued token", () => {
    const routes = context();
    const { token } = routes.tokens.issue({ principal: "user alice" });
    const request: ReceivedRequest = { method: "GET", rawPath: "/v3/projects", rawQuery: "", headers: { "x-auth-token": token }, body: new Uint8Array() };
    expect(authenticateIamOrEcsRequest(routes, request, "rid")).toEqual({ ok: true, principal: "user alice" });
  });

  it("answers APIGW.0307 for an expired token", () => {
    const routes = context();
    const { token } = routes.tokens.issue({ principal: "user alice" });
    routes.tokens.expireAll();
    const request: ReceivedRequest = { method: "GET", rawPath: "/v3/projects", rawQuery: "", headers: { "x-auth-token": token }, body: new Uint8Array() };
    const result = authenticateIamOrEcsRequest(routes, request, "rid");
    expect(result).toMatchObject({ ok: false, response: { status: 401, body: { error_code: "APIGW.0307" } } });
  });

  it("answers APIGW.0301 for an unknown token", () => {
    const request: ReceivedRequest = { method: "GET", rawPath: "/v3/projects", rawQuery: "", headers: { "x-auth-token": "made-up" }, body: new Uint8Array() };
    const result = authenticateIamOrEcsRequest(context(), request, "rid");
    expect(result).toMatchObject({ ok: false, response: { status: 401, body: { error_code: "APIGW.0301" } } });
  });

  it("falls back to the AK/SK signature", () => {
    const url = new URL("http://127.0.0.1/v3/projects?name=cn-north-4");
    const headers = signRequest({ method: "GET", url }, CREDENTIAL, { now: NOW, signHost: false });
    const lowerCase = Object.fromEntries(Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value]));
    const request: ReceivedRequest = { method: "GET", rawPath: url.pathname, rawQuery: "name=cn-north-4", headers: lowerCase, body: new Uint8Array() };
    expect(authenticateIamOrEcsRequest(context(), request, "rid")).toEqual({ ok: true, principal: CREDENTIAL.accessKey });
  });
});

describe("GET /v3/projects", () => {
  it("lists the project of a region name", () => {
    const routes = context();
    const { token } = routes.tokens.issue({ principal: "user alice" });
    const request: ReceivedRequest = { method: "GET", rawPath: "/v3/projects", rawQuery: "name=cn-north-4", headers: { "x-auth-token": token }, body: new Uint8Array() };
    expect(handleIamRequest(routes, request, "rid").response.body).toMatchObject({ projects: [{ id: "0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e", name: "cn-north-4" }] });
  });
});
