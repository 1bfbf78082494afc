import { AKSKSigner } from "@huaweicloud/huaweicloud-sdk-core/auth/AKSKSigner";

import { formatSdkDate } from "../signer";
import {
  DATA_FILE,
  FIXED_NOW,
  PERMANENT_CREDENTIALS,
  PROJECT_ID,
  TEMPORARY_CREDENTIALS,
  WEB_SERVER_ID,
  metadataPath,
  sendRaw,
  sendSigned,
  type HttpResult,
  type RawRequest,
} from "../../test/fixtures/simulator/signedHttp";
import { loadSimulatorData, startSimulator, type RunningSimulator, type SimulatorData } from "./index";

const ROLE_PATH = metadataPath("v2", PROJECT_ID, WEB_SERVER_ID, "role");
const MINUTE_MS = 60 * 1000;

let data: SimulatorData;
let simulator: RunningSimulator;

beforeAll(() => {
  data = loadSimulatorData(DATA_FILE);
});

beforeEach(async () => {
  simulator = await startSimulator({ data, now: () => FIXED_NOW });
});

afterEach(async () => {
  await simulator.close();
});

function withoutHeader(name: string): (signed: RawRequest) => RawRequest {
  return (signed) => ({
    ...signed,
    headers: Object.fromEntries(Object.entries(signed.headers).filter(([headerName]) => headerName.toLowerCase() !== name.toLowerCase())),
  });
}

function expectGatewayAuthFailure(result: HttpResult): void {
  expect(result.status).toBe(401);
  expect(result.json.error_code).toBe("APIGW.0301");
  expect(result.json.request_id).toBe(result.headers["x-request-id"]);
}

describe("AK/SK authentication", () => {
  it("accepts a known credential", async () => {
    const result = await sendSigned(simulator.url, { method: "GET", path: ROLE_PATH });

    expect(result.status).toBe(200);
  });

  it("accepts a signature without Host", async () => {
    const result = await sendSigned(simulator.url, { method: "GET", path: ROLE_PATH, signHost: false });

    expect(result.status).toBe(200);
  });

  it("accepts a signed query string", async () => {
    const result = await sendSigned(simulator.url, { method: "GET", path: `${ROLE_PATH}?b=2&a=one%20two` });

    expect(result.status).toBe(200);
  });

  it("rejects a missing Authorization header", async () => {
    const result = await sendSigned(simulator.url, { method: "GET", path: ROLE_PATH, alter: withoutHeader("Authorization") });

    expectGatewayAuthFailure(result);
    expect(result.json.error_msg).toContain("Missing Authorization header");
  });

  it("rejects an Authorization header of another scheme", async () => {
    const result = await sendRaw(simulator.url, { method: "GET", path: ROLE_PATH, headers: { Authorization: "Bearer abc" } });

    expectGatewayAuthFailure(result);
    expect(result.json.error_msg).toContain("Malformed Authorization header");
  });

  it("rejects and names an unknown access key", async () => {
    const credentials = { accessKey: "UNKNOWNAK000000000001", secretKey: "whatever-secret" };
    const result = await sendSigned(simulator.url, { method: "GET", path: ROLE_PATH, credentials });

    expectGatewayAuthFailure(result);
    expect(result.json.error_msg).toContain('Unknown access key id "UNKNOWNAK000000000001"');
  });

  describe("with a wrong secret key", () => {
    const wrongSecret = "wrong-secret-key-value-0001";
    let result: HttpResult;
    let sentSignature: string;

    beforeEach(async () => {
      result = await sendSigned(simulator.url, {
        method: "GET",
        path: ROLE_PATH,
        credentials: { accessKey: PERMANENT_CREDENTIALS.accessKey, secretKey: wrongSecret },
        alter: (signed) => {
          sentSignature = /Signature=([0-9a-f]+)/.exec(signed.headers.Authorization)![1];
          return signed;
        },
      });
    });

    it("responds 401 APIGW.0301", () => {
      expectGatewayAuthFailure(result);
    });

    it("says the signature does not match", () => {
      expect(result.json.error_msg).toContain("Signature does not match");
    });

    it("does not echo the secret key used", () => {
      expect(result.text).not.toContain(wrongSecret);
    });

    it("does not echo the configured secret key", () => {
      expect(result.text).not.toContain(PERMANENT_CREDENTIALS.secretKey);
    });

    it("does not echo the signature", () => {
      expect(result.text).not.toContain(sentSignature);
    });
  });

  it("rejects a tampered body", async () => {
    const result = await sendSigned(simulator.url, {
      method: "PUT",
      path: ROLE_PATH,
      body: JSON.stringify({ meta: { role: "api" } }),
      alter: (signed) => ({ ...signed, body: JSON.stringify({ meta: { role: "evil" } }) }),
    });

    expectGatewayAuthFailure(result);
    expect(simulator.getMetadata(PROJECT_ID, WEB_SERVER_ID).role).toBe("web");
  });

  it("rejects a tampered path", async () => {
    const result = await sendSigned(simulator.url, {
      method: "GET",
      path: ROLE_PATH,
      alter: (signed) => ({ ...signed, path: metadataPath("v2", PROJECT_ID, WEB_SERVER_ID, "tier name") }),
    });

    expectGatewayAuthFailure(result);
    expect(result.json.error_msg).toContain("Signature does not match");
  });

  it("rejects a tampered query", async () => {
    const result = await sendSigned(simulator.url, {
      method: "GET",
      path: `${ROLE_PATH}?a=1`,
      alter: (signed) => ({ ...signed, path: `${ROLE_PATH}?a=2` }),
    });

    expectGatewayAuthFailure(result);
  });

  it("rejects a tampered method", async () => {
    const result = await sendSigned(simulator.url, {
      method: "GET",
      path: ROLE_PATH,
      alter: (signed) => ({ ...signed, method: "DELETE" }),
    });

    expectGatewayAuthFailure(result);
    expect(simulator.getMetadata(PROJECT_ID, WEB_SERVER_ID).role).toBe("web");
  });

  it("rejects a changed value of a signed header", async () => {
    const result = await sendSigned(simulator.url, {
      method: "GET",
      path: ROLE_PATH,
      headers: { "X-Project-Id": PROJECT_ID },
      alter: (signed) => ({ ...signed, headers: { ...signed.headers, "X-Project-Id": "another" } }),
    });

    expectGatewayAuthFailure(result);
  });

  it("rejects a missing signed header", async () => {
    const result = await sendSigned(simulator.url, {
      method: "GET",
      path: ROLE_PATH,
      headers: { "X-Project-Id": PROJECT_ID },
      alter: withoutHeader("X-Project-Id"),
    });

    expectGatewayAuthFailure(result);
    expect(result.json.error_msg).toContain('Signed header "x-project-id" is missing');
  });

  it("rejects an unsigned X-Sdk-Date", async () => {
    const result = await sendSigned(simulator.url, {
      method: "GET",
      path: ROLE_PATH,
      alter: (signed) => ({
        ...signed,
        headers: { ...signed.headers, Authorization: signed.headers.Authorization.replace("x-sdk-date", "x-other") },
      }),
    });

    expectGatewayAuthFailure(result);
    expect(result.json.error_msg).toContain("X-Sdk-Date must be among the signed headers");
  });

  it("rejects unsorted SignedHeaders", async () => {
    const result = await sendSigned(simulator.url, {
      method: "GET",
      path: ROLE_PATH,
      alter: (signed) => ({
        ...signed,
        headers: { ...signed.headers, Authorization: signed.headers.Authorization.replace("host;x-sdk-date", "x-sdk-date;host") },
      }),
    });

    expectGatewayAuthFailure(result);
    expect(result.json.error_msg).toContain("Invalid SignedHeaders");
  });

  it("rejects a malformed X-Sdk-Date", async () => {
    const result = await sendSigned(simulator.url, {
      method: "GET",
      path: ROLE_PATH,
      alter: (signed) => ({ ...signed, headers: { ...signed.headers, "X-Sdk-Date": "2024-05-01T12:00:00Z" } }),
    });

    expectGatewayAuthFailure(result);
    expect(result.json.error_msg).toContain("Invalid X-Sdk-Date");
  });
});

describe("requests signed by the official Node SDK (@huaweicloud/huaweicloud-sdk-core)", () => {
  const credential = { getAk: () => PERMANENT_CREDENTIALS.accessKey, getSk: () => PERMANENT_CREDENTIALS.secretKey };

  function signWithSdk(method: string, path: string, data?: object): Record<string, string> {
    const request = { method, endpoint: simulator.url + path, headers: { "X-Sdk-Date": formatSdkDate(FIXED_NOW) }, queryParams: {}, data };
    return AKSKSigner.sign(request, credential as never) as Record<string, string>;
  }

  it("accepts a GET", async () => {
    const headers = signWithSdk("GET", ROLE_PATH);
    const result = await sendRaw(simulator.url, { method: "GET", path: ROLE_PATH, headers });

    expect(result.status).toBe(200);
  });

  it("accepts a PUT with a JSON body", async () => {
    const data = { meta: { role: "api" } };
    const headers = signWithSdk("PUT", ROLE_PATH, data);
    const result = await sendRaw(simulator.url, { method: "PUT", path: ROLE_PATH, headers, body: JSON.stringify(data) });

    expect(result.status).toBe(200);
  });
});

describe("clock skew", () => {
  it("accepts 14 minutes behind", async () => {
    const signedAt = new Date(FIXED_NOW.getTime() - 14 * MINUTE_MS);
    const result = await sendSigned(simulator.url, { method: "GET", path: ROLE_PATH, signedAt });

    expect(result.status).toBe(200);
  });

  it("accepts exactly 15 minutes ahead", async () => {
    const signedAt = new Date(FIXED_NOW.getTime() + 15 * MINUTE_MS);
    const result = await sendSigned(simulator.url, { method: "GET", path: ROLE_PATH, signedAt });

    expect(result.status).toBe(200);
  });

  it("rejects 16 minutes behind, naming both times", async () => {
    const signedAt = new Date(FIXED_NOW.getTime() - 16 * MINUTE_MS);
    const result = await sendSigned(simulator.url, { method: "GET", path: ROLE_PATH, signedAt });

    expectGatewayAuthFailure(result);
    expect(result.json.error_msg).toContain("20240501T114400Z is 960 s behind");
    expect(result.json.error_msg).toContain("20240501T120000Z");
  });

  it("rejects 15 minutes 1 second ahead", async () => {
    const signedAt = new Date(FIXED_NOW.getTime() + 15 * MINUTE_MS + 1000);
    const result = await sendSigned(simulator.url, { method: "GET", path: ROLE_PATH, signedAt });

    expectGatewayAuthFailure(result);
    expect(result.json.error_msg).toContain("ahead of the simulator clock");
  });

  it("reads the injected clock per request", async () => {
    let clock = FIXED_NOW;
    const clockSimulator = await startSimulator({ data, now: () => clock });
    try {
      await sendSigned(clockSimulator.url, { method: "GET", path: ROLE_PATH });
      clock = new Date(FIXED_NOW.getTime() + 16 * MINUTE_MS);
      await sendSigned(clockSimulator.url, { method: "GET", path: ROLE_PATH });

      expect(clockSimulator.requests.map((entry) => entry.status)).toEqual([200, 401]);
    } finally {
      await clockSimulator.close();
    }
  });
});

describe("temporary credential", () => {
  it("accepts a signed security token", async () => {
    const result = await sendSigned(simulator.url, { method: "GET", path: ROLE_PATH, credentials: TEMPORARY_CREDENTIALS });

    expect(result.status).toBe(200);
  });

  it("rejects a missing security token", async () => {
    const credentials = { accessKey: TEMPORARY_CREDENTIALS.accessKey, secretKey: TEMPORARY_CREDENTIALS.secretKey };
    const result = await sendSigned(simulator.url, { method: "GET", path: ROLE_PATH, credentials });

    expectGatewayAuthFailure(result);
    expect(result.json.error_msg).toContain("Missing X-Security-Token header");
  });

  describe("with a wrong security token", () => {
    const wrongToken = "wrong-session-token-0001";
    let result: HttpResult;

    beforeEach(async () => {
      const credentials = { ...TEMPORARY_CREDENTIALS, securityToken: wrongToken };
      result = await sendSigned(simulator.url, { method: "GET", path: ROLE_PATH, credentials });
    });

    it("responds 401 APIGW.0301", () => {
      expectGatewayAuthFailure(result);
    });

    it("says the token does not match", () => {
      expect(result.json.error_msg).toContain("X-Security-Token does not match");
    });

    it("does not echo the token sent", () => {
      expect(result.text).not.toContain(wrongToken);
    });

    it("does not echo the configured token", () => {
      expect(result.text).not.toContain(TEMPORARY_CREDENTIALS.securityToken);
    });
  });

  it("rejects an unsigned security token", async () => {
    const credentials = { accessKey: TEMPORARY_CREDENTIALS.accessKey, secretKey: TEMPORARY_CREDENTIALS.secretKey };
    const result = await sendSigned(simulator.url, {
      method: "GET",
      path: ROLE_PATH,
      credentials,
      alter: (signed) => ({ ...signed, headers: { ...signed.headers, "X-Security-Token": TEMPORARY_CREDENTIALS.securityToken! } }),
    });

    expectGatewayAuthFailure(result);
    expect(result.json.error_msg).toContain("X-Security-Token must be among the signed headers");
  });

  it("rejects a token with a permanent key", async () => {
    const credentials = { ...PERMANENT_CREDENTIALS, securityToken: "unexpected-token" };
    const result = await sendSigned(simulator.url, { method: "GET", path: ROLE_PATH, credentials });

    expectGatewayAuthFailure(result);
    expect(result.json.error_msg).toContain("is permanent and takes no X-Security-Token");
  });
});
