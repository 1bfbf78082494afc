import {
  DATA_FILE,
  FIXED_NOW,
  PERMANENT_CREDENTIALS,
  PROJECT_ID,
  WEB_SERVER_ID,
  metadataPath,
  sendRaw,
  sendSigned,
} from "../../test/fixtures/simulator/signedHttp";
import { MAX_LATENCY_MS, MAX_REQUEST_BODY_BYTES, loadSimulatorData, startSimulator, type RunningSimulator, type SimulatorData } from "./index";

const ROLE_PATH = metadataPath("v2", PROJECT_ID, WEB_SERVER_ID, "role");

let data: SimulatorData;
let simulator: RunningSimulator;
let logLines: string[];

beforeAll(() => {
  data = loadSimulatorData(DATA_FILE);
});

beforeEach(async () => {
  logLines = [];
  simulator = await startSimulator({ data, now: () => FIXED_NOW, log: (line) => logLines.push(line) });
});

afterEach(async () => {
  await simulator.close();
});

describe("response headers", () => {
  it("listens on the loopback address by default", () => {
    expect(simulator.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  it("sends a 32-hex X-Request-Id", async () => {
    const result = await sendSigned(simulator.url, { method: "GET", path: ROLE_PATH });

    expect(result.headers["x-request-id"]).toMatch(/^[0-9a-f]{32}$/);
  });

  it("sends X-Request-Id on a 204", async () => {
    const result = await sendSigned(simulator.url, { method: "DELETE", path: ROLE_PATH });

    expect(result.headers["x-request-id"]).toMatch(/^[0-9a-f]{32}$/);
  });

  it("sends X-Request-Id on an authentication failure", async () => {
    const result = await sendRaw(simulator.url, { method: "GET", path: ROLE_PATH, headers: {} });

    expect(result.headers["x-request-id"]).toMatch(/^[0-9a-f]{32}$/);
  });

  it("sends a new request id for every request", async () => {
    const first = await sendSigned(simulator.url, { method: "GET", path: ROLE_PATH });
    const second = await sendSigned(simulator.url, { method: "GET", path: ROLE_PATH });

    expect(first.headers["x-request-id"]).not.toBe(second.headers["x-request-id"]);
  });

  it("labels JSON bodies as application/json", async () => {
    const result = await sendSigned(simulator.url, { method: "GET", path: ROLE_PATH });

    expect(result.headers["content-type"]).toBe("application/json");
  });

  it("labels error bodies as application/json", async () => {
    const result = await sendSigned(simulator.url, { method: "GET", path: metadataPath("v2", PROJECT_ID, WEB_SERVER_ID, "absent") });

    expect(result.headers["content-type"]).toBe("application/json");
  });
});

describe("routing", () => {
  it.each([
    ["an unknown version", `/v3/${PROJECT_ID}/servers/${WEB_SERVER_ID}/metadata`],
    ["the native API", `/v1/${PROJECT_ID}/cloudservers/${WEB_SERVER_ID}/metadata`],
    ["a trailing slash", `/v2/${PROJECT_ID}/servers/${WEB_SERVER_ID}/metadata/`],
    ["an extra segment", `/v2/${PROJECT_ID}/servers/${WEB_SERVER_ID}/metadata/role/extra`],
    ["the root", "/"],
  ])("answers %s with APIGW.0101", async (_case, path) => {
    const result = await sendRaw(simulator.url, { method: "GET", path, headers: {} });

    expect(result.status).toBe(404);
    expect(result.json.error_code).toBe("APIGW.0101");
  });

  it("repeats the request id in a gateway error body", async () => {
    const result = await sendRaw(simulator.url, { method: "GET", path: "/", headers: {} });

    expect(result.json.request_id).toBe(result.headers["x-request-id"]);
  });

  it("answers POST on one key with 405", async () => {
    const result = await sendSigned(simulator.url, { method: "POST", path: ROLE_PATH, body: '{"meta": {"role": "x"}}' });

    expect(result.status).toBe(405);
    expect(result.json.badMethod.code).toBe(405);
  });

  it("lists the allowed methods of one key", async () => {
    const result = await sendSigned(simulator.url, { method: "POST", path: ROLE_PATH, body: "{}" });

    expect(result.headers.allow).toBe("GET, PUT, DELETE");
  });

  it("lists the allowed methods of the collection", async () => {
    const result = await sendSigned(simulator.url, { method: "DELETE", path: metadataPath("v2", PROJECT_ID, WEB_SERVER_ID) });

    expect(result.headers.allow).toBe("GET, POST, PUT");
  });

  it("authenticates before answering 405", async () => {
    const result = await sendRaw(simulator.url, { method: "POST", path: ROLE_PATH, headers: {} });

    expect(result.status).toBe(401);
  });

  it("rejects a body over the size limit with 413", async () => {
    const body = "x".repeat(MAX_REQUEST_BODY_BYTES + 1);
    const result = await sendRaw(simulator.url, { method: "PUT", path: ROLE_PATH, headers: {}, body });

    expect(result.status).toBe(413);
    expect(result.json.overLimit.code).toBe(413);
  });
});

describe("request record", () => {
  it("records one entry per request", async () => {
    const path = `/v2/${PROJECT_ID}/servers/${WEB_SERVER_ID}/metadata/tier%20name?x=1`;
    const result = await sendSigned(simulator.url, { method: "GET", path });

    expect(simulator.requests).toEqual([
      {
        method: "GET",
        path: `/v2/${PROJECT_ID}/servers/${WEB_SERVER_ID}/metadata/tier%20name`,
        status: 200,
        accessKey: PERMANENT_CREDENTIALS.accessKey,
        requestId: result.headers["x-request-id"],
      },
    ]);
  });

  it("records the key of a failed authentication", async () => {
    await sendSigned(simulator.url, {
      method: "GET",
      path: ROLE_PATH,
      credentials: { accessKey: PERMANENT_CREDENTIALS.accessKey, secretKey: "wrong-secret" },
    });

    expect(simulator.requests[0].accessKey).toBe(PERMANENT_CREDENTIALS.accessKey);
  });

  it("records no secret key", async () => {
    await sendSigned(simulator.url, { method: "GET", path: ROLE_PATH });

    expect(JSON.stringify(simulator.requests)).not.toContain(PERMANENT_CREDENTIALS.secretKey);
  });

  it("records no signature", async () => {
    await sendSigned(simulator.url, { method: "GET", path: ROLE_PATH });

    expect(JSON.stringify(simulator.requests)).not.toMatch(/[0-9a-f]{64}/);
  });

  it("counts requests", async () => {
    await sendSigned(simulator.url, { method: "GET", path: ROLE_PATH });
    await sendRaw(simulator.url, { method: "GET", path: "/", headers: {} });

    expect(simulator.requestCount).toBe(2);
  });

  it("starts counting again after clearRequests", async () => {
    await sendSigned(simulator.url, { method: "GET", path: ROLE_PATH });
    simulator.clearRequests();

    expect(simulator.requestCount).toBe(0);
  });
});

describe("request log", () => {
  it("logs method, path, status and request id", async () => {
    const result = await sendSigned(simulator.url, { method: "GET", path: ROLE_PATH });

    expect(logLines[0]).toMatch(new RegExp(`^GET ${ROLE_PATH} 200 request_id=${result.headers["x-request-id"]} \\d+ms$`));
  });

  it("logs the error message of a failed request", async () => {
    await sendSigned(simulator.url, { method: "GET", path: metadataPath("v2", PROJECT_ID, WEB_SERVER_ID, "absent") });

    expect(logLines[0]).toContain('error="Metadata item was not found"');
  });

  it("logs no secret key or signature", async () => {
    await sendSigned(simulator.url, {
      method: "GET",
      path: ROLE_PATH,
      credentials: { accessKey: PERMANENT_CREDENTIALS.accessKey, secretKey: "wrong-secret" },
    });

    expect(logLines.join("\n")).not.toMatch(/wrong-secret|[0-9a-f]{64}/);
  });
});

describe("latency option", () => {
  it("delays every response by latencyMs", async () => {
    const slowSimulator = await startSimulator({ data, now: () => FIXED_NOW, latencyMs: 150 });
    try {
      const startedAt = performance.now();
      await sendSigned(slowSimulator.url, { method: "GET", path: ROLE_PATH });
      const elapsedMs = performance.now() - startedAt;

      // Timers may fire up to a millisecond early, so the bound leaves a little room.
      expect(elapsedMs).toBeGreaterThanOrEqual(145);
    } finally {
      await slowSimulator.close();
    }
  });

  it("delays error responses too", async () => {
    const slowSimulator = await startSimulator({ data, now: () => FIXED_NOW, latencyMs: 150 });
    try {
      const startedAt = performance.now();
      await sendRaw(slowSimulator.url, { method: "GET", path: "/", headers: {} });
      const elapsedMs = performance.now() - startedAt;

      expect(elapsedMs).toBeGreaterThanOrEqual(145);
    } finally {
      await slowSimulator.close();
    }
  });

  it("rejects a negative latency", async () => {
    await expect(startSimulator({ data, latencyMs: -1 })).rejects.toThrow("latencyMs must be an integer from 0");
  });

  it("rejects a latency above the maximum", async () => {
    await expect(startSimulator({ data, latencyMs: MAX_LATENCY_MS + 1 })).rejects.toThrow(`latencyMs must be an integer from 0 to ${MAX_LATENCY_MS}, got ${MAX_LATENCY_MS + 1}`);
  });
});

describe("lifecycle and test helpers", () => {
  it("lets close be called twice", async () => {
    const extraSimulator = await startSimulator({ data });
    await extraSimulator.close();

    await expect(extraSimulator.close()).resolves.toBeUndefined();
  });

  it("finishes a delayed response on close", async () => {
    const slowSimulator = await startSimulator({ data, now: () => FIXED_NOW, latencyMs: 100 });
    const pending = sendSigned(slowSimulator.url, { method: "GET", path: ROLE_PATH });
    await new Promise((resolve) => setTimeout(resolve, 20));
    await slowSimulator.close();

    await expect(pending).resolves.toMatchObject({ status: 200 });
  });

  it("refuses connections after close", async () => {
    const extraSimulator = await startSimulator({ data, now: () => FIXED_NOW });
    await extraSimulator.close();

    await expect(sendSigned(extraSimulator.url, { method: "GET", path: ROLE_PATH })).rejects.toThrow(/ECONNREFUSED/);
  });

  it("rejects a port that is already in use", async () => {
    const port = Number(new URL(simulator.url).port);

    await expect(startSimulator({ data, port })).rejects.toThrow(/EADDRINUSE/);
  });

  it("names an unknown server in helper errors", () => {
    expect(() => simulator.getMetadata(PROJECT_ID, "no-such-server")).toThrow(`Server no-such-server is not in project ${PROJECT_ID}`);
  });

  it("names an unknown project in helper errors", () => {
    expect(() => simulator.setMetadata("no-such-project", WEB_SERVER_ID, "a", "b")).toThrow("Project no-such-project is not in");
  });

  it("reports whether deleteMetadata removed a pair", () => {
    expect(simulator.deleteMetadata(PROJECT_ID, WEB_SERVER_ID, "role")).toBe(true);
  });

  it("serves a pair set by the helper", async () => {
    simulator.setMetadata(PROJECT_ID, WEB_SERVER_ID, "owner", "helper");

    const result = await sendSigned(simulator.url, { method: "GET", path: metadataPath("v2", PROJECT_ID, WEB_SERVER_ID, "owner") });

    expect(result.json).toEqual({ meta: { owner: "helper" } });
  });
});
