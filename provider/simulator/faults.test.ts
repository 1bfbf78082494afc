import { ServerResponse } from "node:http";
import path from "node:path";

import { DATA_FILE, PROJECT_ID, WEB_SERVER_ID, metadataPath, sendRaw, sendSigned, FIXED_NOW } from "../../test/fixtures/simulator/signedHttp";
import { isLoopbackAddress } from "./adminRoutes";
import { MAX_FAULT_DELAY_MS, SimulatorDataError, loadSimulatorData, parseSimulatorData, startSimulator, type RunningSimulator } from "./index";

const FAULTS_FILE = path.resolve(__dirname, "../../test/fixtures/reliability/faults.json");
const ROLE_PATH = metadataPath("v2.1", PROJECT_ID, WEB_SERVER_ID, "role");
const TIER_PATH = metadataPath("v2.1", PROJECT_ID, WEB_SERVER_ID, "tier name");

let simulator: RunningSimulator;

afterEach(async () => {
  await simulator.close();
});

/** Sends a signed GET and returns the status, or `reset` when the connection closed without a whole response. */
async function statusOf(requestPath: string): Promise<number | "reset"> {
  try {
    return (await sendSigned(simulator.url, { method: "GET", path: requestPath })).status;
  } catch {
    return "reset";
  }
}

describe("faults from the data file", () => {
  beforeEach(async () => {
    simulator = await startSimulator({ data: loadSimulatorData(FAULTS_FILE), now: () => FIXED_NOW });
  });

  it("plays the steps in order, then passes requests through", async () => {
    const statuses = [];
    for (let request = 0; request < 7; request++) {
      statuses.push(await statusOf(ROLE_PATH));
    }

    expect(statuses).toEqual([503, 503, 502, "reset", "reset", 200, 200]);
  });

  it("sends the scripted headers", async () => {
    const result = await sendSigned(simulator.url, { method: "GET", path: ROLE_PATH });

    expect(result.headers["retry-after"]).toBe("1");
  });

  it("sends a string body as HTML", async () => {
    await statusOf(ROLE_PATH);
    await statusOf(ROLE_PATH);
    const result = await sendSigned(simulator.url, { method: "GET", path: ROLE_PATH });

    expect(result.headers["content-type"]).toBe("text/html; charset=utf-8");
    expect(result.text).toContain("Bad Gateway");
  });

  it("leaves requests of other keys alone", async () => {
    expect(await statusOf(TIER_PATH)).toBe(200);
  });

  it("records each fault and a reset as status 0", async () => {
    for (let request = 0; request < 4; request++) {
      await statusOf(ROLE_PATH);
    }

    expect(simulator.requests.map((entry) => entry.fault)).toEqual(["role flaps: respond", "role flaps: respond", "role flaps: respond", "role flaps: reset"]);
    expect(simulator.requests[3].status).toBe(0);
  });

  it("lists the rule with its progress", async () => {
    await statusOf(ROLE_PATH);

    const [state] = simulator.listFaults();
    expect(state.name).toBe("role flaps");
    expect(state.nextStep).toBe(0);
    expect(state.usedOfStep).toBe(1);
  });
});

describe("faults set at run time", () => {
  beforeEach(async () => {
    simulator = await startSimulator({ data: loadSimulatorData(DATA_FILE), now: () => FIXED_NOW });
  });

  it("repeats the steps when repeat is set", async () => {
    simulator.addFaults([{ steps: [{ action: "respond", status: 503 }, { action: "pass" }], repeat: true }]);

    const statuses = [await statusOf(ROLE_PATH), await statusOf(ROLE_PATH), await statusOf(ROLE_PATH), await statusOf(ROLE_PATH)];

    expect(statuses).toEqual([503, 200, 503, 200]);
  });

  it("matches the route kind", async () => {
    simulator.addFaults([{ match: { route: "collection" }, steps: [{ action: "respond", status: 500 }] }]);

    expect(await statusOf(ROLE_PATH)).toBe(200);
    expect(await statusOf(metadataPath("v2.1", PROJECT_ID, WEB_SERVER_ID))).toBe(500);
  });

  it("matches the method", async () => {
    simulator.addFaults([{ match: { method: "DELETE" }, steps: [{ action: "respond", status: 500 }] }]);

    expect(await statusOf(ROLE_PATH)).toBe(200);
  });

  it("applies a probability with the given random source", async () => {
    await simulator.close();
    const draws = [0.9, 0.1, 0.6, 0.2];
    simulator = await startSimulator({ data: loadSimulatorData(DATA_FILE), now: () => FIXED_NOW, random: () => draws.shift() ?? 1 });
    simulator.addFaults([{ steps: [{ action: "respond", status: 503 }], repeat: true, probability: 0.5 }]);

    const statuses = [await statusOf(ROLE_PATH), await statusOf(ROLE_PATH), await statusOf(ROLE_PATH), await statusOf(ROLE_PATH)];

    expect(statuses).toEqual([200, 503, 200, 503]);
  });

  it("stops after clearFaults", async () => {
    simulator.addFaults([{ steps: [{ action: "respond", status: 503 }], repeat: true }]);
    simulator.clearFaults();

    expect(await statusOf(ROLE_PATH)).toBe(200);
  });

  it("rejects an invalid rule, listing every problem", () => {
    let error: unknown;
    try {
      simulator.addFaults([{ steps: [{ action: "respond" }, { action: "explode" as "pass" }], probability: 2 }]);
    } catch (caught) {
      error = caught;
    }

    expect(error).toBeInstanceOf(SimulatorDataError);
    expect((error as SimulatorDataError).problems).toEqual([
      "faults[0].probability: must be a number from 0 to 1, not 2",
      "faults[0].steps[0].status: a respond step needs a whole-number status from 100 to 599, not undefined",
      "faults[0].steps[1].action: must be one of respond, reset, truncate, pass, not \"explode\"",
    ]);
  });
});

describe("fault header checks", () => {
  beforeEach(async () => {
    simulator = await startSimulator({ data: loadSimulatorData(DATA_FILE), now: () => FIXED_NOW });
  });

  function problemsOfHeaders(headers: Record<string, string>): readonly string[] {
    try {
      simulator.addFaults([{ steps: [{ action: "respond", status: 503, headers }] }]);
    } catch (error) {
      if (error instanceof SimulatorDataError) {
        return error.problems;
      }
      throw error;
    }
    throw new Error("addFaults accepted the headers");
  }

  it("rejects a value with CR LF without echoing it", () => {
    const problems = problemsOfHeaders({ "Retry-After": "1\r\nSet-Cookie: stolen" });

    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain('faults[0].steps[0].headers["Retry-After"]');
    expect(problems[0]).not.toContain("stolen");
  });

  it.each(["Retry After", "X-Bad:Name", "", "X-\u00e9"])("rejects header name %j", (name) => {
    const problems = problemsOfHeaders({ [name]: "1" });

    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain(`faults[0].steps[0].headers[${JSON.stringify(name)}]`);
    expect(problems[0]).toContain("header name");
  });

  it("accepts ordinary headers", () => {
    expect(() => simulator.addFaults([{ steps: [{ action: "respond", status: 429, headers: { "Retry-After": "2", "X-Tab": "a\tb" } }] }])).not.toThrow();
  });

  it("rejects a bad header in the data file", () => {
    const data = { credentials: [], projects: [], faults: [{ steps: [{ action: "respond", status: 503, headers: { "Bad Name": "1" } }] }] };

    expect(() => parseSimulatorData(data, "inline")).toThrow('faults[0].steps[0].headers["Bad Name"]');
  });

  it("rejects bad headers in data given to startSimulator", async () => {
    const data = { credentials: [], projects: [], faults: [{ steps: [{ action: "respond" as const, status: 503, headers: { "Bad Name": "1" } }] }] };

    await expect(startSimulator({ data })).rejects.toThrow('faults[0].steps[0].headers["Bad Name"]');
  });

  it("rejects a delay above the maximum", () => {
    expect(() => simulator.addFaults([{ steps: [{ action: "pass", delayMs: 3_000_000_000 }] }])).toThrow(
      `faults[0].steps[0].delayMs: must be a whole number from 0 to ${MAX_FAULT_DELAY_MS}, not 3000000000`,
    );
  });
});

describe("failure while sending a response", () => {
  let logLines: string[];

  beforeEach(async () => {
    logLines = [];
    simulator = await startSimulator({ data: loadSimulatorData(DATA_FILE), now: () => FIXED_NOW, log: (line) => logLines.push(line) });
  });

  afterEach(() => {
    jest.restoreAllMocks();
  });

  /** Makes `setHeader` throw for one header name, as Node does for a header it cannot send. */
  function failHeader(failingName: string): void {
    const original = ServerResponse.prototype.setHeader;
    jest.spyOn(ServerResponse.prototype, "setHeader").mockImplementation(function (this: ServerResponse, name, value) {
      if (name === failingName) {
        throw Object.assign(new TypeError(`Invalid character in header content ["${name}"]\nsecond line`), { code: "ERR_INVALID_CHAR" });
      }
      return original.call(this, name, value);
    });
  }

  it("answers 500 instead of hanging", async () => {
    simulator.addFaults([{ steps: [{ action: "respond", status: 503, headers: { "X-Fails": "1" } }] }]);
    failHeader("X-Fails");

    const result = await sendSigned(simulator.url, { method: "GET", path: ROLE_PATH });

    expect(result.status).toBe(500);
    expect(result.headers["x-fails"]).toBeUndefined();
  });

  it("logs the failure as one line with the request id", async () => {
    simulator.addFaults([{ steps: [{ action: "respond", status: 503, headers: { "X-Fails": "1" } }] }]);
    failHeader("X-Fails");

    const result = await sendSigned(simulator.url, { method: "GET", path: ROLE_PATH });

    const failure = logLines.find((line) => line.includes("ERR_INVALID_CHAR"));
    expect(failure).toBeDefined();
    expect(failure).not.toContain("\n");
    expect(failure).toContain(`request_id=${result.headers["x-request-id"]}`);
  });

  it("records the request with status 500", async () => {
    simulator.addFaults([{ steps: [{ action: "respond", status: 503, headers: { "X-Fails": "1" } }] }]);
    failHeader("X-Fails");

    await sendSigned(simulator.url, { method: "GET", path: ROLE_PATH });

    expect(simulator.requests.map((entry) => entry.status)).toEqual([500]);
  });
});

describe("admin route", () => {
  beforeEach(async () => {
    simulator = await startSimulator({ data: loadSimulatorData(DATA_FILE), now: () => FIXED_NOW });
  });

  function admin(method: string, body?: string) {
    return sendRaw(simulator.url, { method, path: "/_admin/faults", headers: body === undefined ? {} : { "Content-Type": "application/json" }, body });
  }

  it("adds rules that apply to the next requests", async () => {
    const added = await admin("POST", JSON.stringify({ faults: [{ steps: [{ action: "respond", status: 429, headers: { "Retry-After": "2" } }] }] }));

    expect(added.status).toBe(201);
    expect(await statusOf(ROLE_PATH)).toBe(429);
    expect(await statusOf(ROLE_PATH)).toBe(200);
  });

  it("lists the rules", async () => {
    await admin("POST", JSON.stringify({ faults: [{ name: "slow", steps: [{ action: "pass", delayMs: 1 }] }] }));

    const listed = await admin("GET");

    expect(listed.json.faults[0].name).toBe("slow");
  });

  it("deletes every rule", async () => {
    await admin("POST", JSON.stringify({ faults: [{ steps: [{ action: "reset" }], repeat: true }] }));

    expect((await admin("DELETE")).status).toBe(204);
    expect(await statusOf(ROLE_PATH)).toBe(200);
  });

  it("answers an invalid rule with 400 and the problems", async () => {
    const result = await admin("POST", JSON.stringify({ faults: [{ steps: [] }] }));

    expect(result.status).toBe(400);
    expect(result.json.problems).toEqual(["faults[0].steps: must be a non-empty array of steps"]);
  });

  it("names an unknown field of a rule in the error", async () => {
    const result = await admin("POST", JSON.stringify({ faults: [{ steps: [{ action: "reset" }], colour: "red" }] }));

    expect(result.status).toBe(400);
    expect(result.json.error).toContain("faults[0].colour: unknown field");
    expect(result.json.problems).toEqual(["faults[0].colour: unknown field; the fields of this entry are name, match, steps, repeat, probability"]);
  });

  it("names an unknown field next to faults", async () => {
    const result = await admin("POST", JSON.stringify({ faults: [{ steps: [{ action: "reset" }] }], fault: [] }));

    expect(result.status).toBe(400);
    expect(result.json.problems).toEqual(['fault: unknown field; send {"faults": [ ...rules ]}']);
  });

  it("answers a header that cannot be sent with 400", async () => {
    const result = await admin("POST", JSON.stringify({ faults: [{ steps: [{ action: "respond", status: 503, headers: { "Retry-After": "1\r\nX-Injected: 1" } }] }] }));

    expect(result.status).toBe(400);
    expect(result.json.problems[0]).toContain('faults[0].steps[0].headers["Retry-After"]');
    expect(result.text).not.toContain("X-Injected");
  });

  it("rejects a duplicate key in the body", async () => {
    const result = await admin("POST", '{"faults": [{"steps": [{"action": "reset"}], "steps": [{"action": "pass"}]}]}');

    expect(result.status).toBe(400);
    expect(result.json.error).toContain('duplicate key "steps"');
  });

  it("keeps admin calls out of the request record", async () => {
    await admin("GET");

    expect(simulator.requestCount).toBe(0);
  });

  it.each(["127.0.0.1", "::1", "::ffff:127.0.0.1"])("treats %s as loopback", (address) => {
    expect(isLoopbackAddress(address)).toBe(true);
  });

  it.each(["10.0.0.5", "192.168.1.2", "::ffff:10.0.0.5", undefined])("rejects %s as not loopback", (address) => {
    expect(isLoopbackAddress(address)).toBe(false);
  });
});

describe("faults in the data file", () => {
  it("rejects an unknown step field, naming its path", () => {
    const data = { credentials: [], projects: [], faults: [{ steps: [{ action: "reset", status: 500 }] }] };

    expect(() => parseSimulatorData(data, "inline")).toThrow("faults[0].steps[0].status: only a respond step takes status");
  });
});
