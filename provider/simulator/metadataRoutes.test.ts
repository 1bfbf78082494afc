import {
  BUILD_SERVER_ID,
  DATA_FILE,
  DB_SERVER_ID,
  FIXED_NOW,
  OTHER_PROJECT_ID,
  OTHER_SERVER_ID,
  PROJECT_ID,
  WEB_SERVER_ID,
  metadataPath,
  sendSigned,
} from "../../test/fixtures/simulator/signedHttp";
import { loadSimulatorData, startSimulator, type RunningSimulator, type SimulatorData } from "./index";

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

function get(path: string) {
  return sendSigned(simulator.url, { method: "GET", path });
}

function write(method: string, path: string, body: unknown) {
  return sendSigned(simulator.url, { method, path, body: typeof body === "string" ? body : JSON.stringify(body) });
}

describe("reading metadata", () => {
  it.each(["v2", "v2.1"])("returns one key under %s", async (apiVersion) => {
    const result = await get(metadataPath(apiVersion, PROJECT_ID, WEB_SERVER_ID, "role"));

    expect(result.status).toBe(200);
    expect(result.json).toEqual({ meta: { role: "web" } });
  });

  it("returns all metadata of a server", async () => {
    const result = await get(metadataPath("v2.1", PROJECT_ID, WEB_SERVER_ID));

    expect(result.status).toBe(200);
    expect(result.json).toEqual({ metadata: { role: "web", "tier name": "front", "app:env": "prod" } });
  });

  it("returns an empty map for a server without metadata", async () => {
    const result = await get(metadataPath("v2", PROJECT_ID, DB_SERVER_ID));

    expect(result.json).toEqual({ metadata: {} });
  });

  it("reads a key with a space sent as %20", async () => {
    const result = await get(`/v2/${PROJECT_ID}/servers/${WEB_SERVER_ID}/metadata/tier%20name`);

    expect(result.json).toEqual({ meta: { "tier name": "front" } });
  });

  it("reads a key with a colon sent as %3A", async () => {
    const result = await get(`/v2/${PROJECT_ID}/servers/${WEB_SERVER_ID}/metadata/app%3Aenv`);

    expect(result.json).toEqual({ meta: { "app:env": "prod" } });
  });

  it("reads servers of a second project", async () => {
    const result = await get(metadataPath("v2", OTHER_PROJECT_ID, OTHER_SERVER_ID, "role"));

    expect(result.json).toEqual({ meta: { role: "edge" } });
  });

  it("reports a missing key as metadata item not found", async () => {
    const result = await get(metadataPath("v2", PROJECT_ID, WEB_SERVER_ID, "absent"));

    expect(result.status).toBe(404);
    expect(result.json).toEqual({ itemNotFound: { message: "Metadata item was not found", code: 404 } });
  });

  it("reports a missing server as instance not found", async () => {
    const missingServerId = "00000000-0000-4000-8000-000000000000";
    const result = await get(metadataPath("v2", PROJECT_ID, missingServerId, "role"));

    expect(result.status).toBe(404);
    expect(result.json).toEqual({ itemNotFound: { message: `Instance ${missingServerId} could not be found.`, code: 404 } });
  });

  it("reports a server of another project as not found", async () => {
    const result = await get(metadataPath("v2", PROJECT_ID, OTHER_SERVER_ID, "role"));

    expect(result.status).toBe(404);
  });

  it("rejects and names an unknown project", async () => {
    const unknownProjectId = "ffffffffffffffffffffffffffffffff";
    const result = await get(metadataPath("v2", unknownProjectId, WEB_SERVER_ID, "role"));

    expect(result.status).toBe(400);
    expect(result.json.badRequest.code).toBe(400);
    expect(result.json.badRequest.message).toContain(unknownProjectId);
  });

  it("keeps an encoded slash inside the key", async () => {
    simulator.setMetadata(PROJECT_ID, WEB_SERVER_ID, "a/b", "slash");

    const result = await get(`/v2/${PROJECT_ID}/servers/${WEB_SERVER_ID}/metadata/a%2Fb`);

    expect(result.json).toEqual({ meta: { "a/b": "slash" } });
  });

  it("rejects invalid percent-encoding", async () => {
    const result = await get(`/v2/${PROJECT_ID}/servers/${WEB_SERVER_ID}/metadata/bad%zz`);

    expect(result.status).toBe(400);
    expect(result.json.badRequest.message).toContain("bad%zz");
  });
});

describe("writing one key", () => {
  it("creates a key and returns it", async () => {
    const path = metadataPath("v2.1", PROJECT_ID, WEB_SERVER_ID, "owner");
    const result = await write("PUT", path, { meta: { owner: "team-a" } });

    expect(result.status).toBe(200);
    expect(result.json).toEqual({ meta: { owner: "team-a" } });
    expect(simulator.getMetadata(PROJECT_ID, WEB_SERVER_ID).owner).toBe("team-a");
  });

  it("replaces the value of an existing key", async () => {
    await write("PUT", metadataPath("v2", PROJECT_ID, WEB_SERVER_ID, "role"), { meta: { role: "api" } });

    const result = await get(metadataPath("v2", PROJECT_ID, WEB_SERVER_ID, "role"));

    expect(result.json).toEqual({ meta: { role: "api" } });
  });

  it("round-trips a key with a space", async () => {
    await write("PUT", `/v2/${PROJECT_ID}/servers/${WEB_SERVER_ID}/metadata/cost%20center`, { meta: { "cost center": "42" } });

    const result = await get(`/v2/${PROJECT_ID}/servers/${WEB_SERVER_ID}/metadata/cost%20center`);

    expect(result.json).toEqual({ meta: { "cost center": "42" } });
  });

  it("round-trips a key with a colon", async () => {
    await write("PUT", `/v2/${PROJECT_ID}/servers/${WEB_SERVER_ID}/metadata/a%3Ab`, { meta: { "a:b": "colon" } });

    const result = await get(`/v2/${PROJECT_ID}/servers/${WEB_SERVER_ID}/metadata/a%3Ab`);

    expect(result.json).toEqual({ meta: { "a:b": "colon" } });
  });

  it("round-trips the key __proto__", async () => {
    const path = metadataPath("v2", PROJECT_ID, WEB_SERVER_ID, "__proto__");
    await write("PUT", path, '{"meta": {"__proto__": "plain"}}');

    const result = await get(path);

    expect(result.text).toBe('{"meta":{"__proto__":"plain"}}');
  });

  it("writes to a stopped server", async () => {
    const result = await write("PUT", metadataPath("v2", PROJECT_ID, DB_SERVER_ID, "role"), { meta: { role: "db" } });

    expect(result.status).toBe(200);
  });

  it("accepts a value of 255 characters", async () => {
    const value = "v".repeat(255);
    const result = await write("PUT", metadataPath("v2", PROJECT_ID, WEB_SERVER_ID, "long"), { meta: { long: value } });

    expect(result.status).toBe(200);
  });

  it("rejects a body key that differs from the URL key", async () => {
    const result = await write("PUT", metadataPath("v2", PROJECT_ID, WEB_SERVER_ID, "role"), { meta: { owner: "x" } });

    expect(result.status).toBe(400);
    expect(result.json.badRequest.message).toContain("Request body and URI mismatch");
  });

  it("rejects a body with two pairs", async () => {
    const result = await write("PUT", metadataPath("v2", PROJECT_ID, WEB_SERVER_ID, "role"), { meta: { role: "a", owner: "b" } });

    expect(result.status).toBe(400);
    expect(result.json.badRequest.message).toContain("too many items");
  });

  it("rejects a body with no pair", async () => {
    const result = await write("PUT", metadataPath("v2", PROJECT_ID, WEB_SERVER_ID, "role"), { meta: {} });

    expect(result.status).toBe(400);
  });

  it("rejects a key outside the allowed characters", async () => {
    const path = metadataPath("v2", PROJECT_ID, WEB_SERVER_ID, "libstdc++");
    const result = await write("PUT", path, { meta: { "libstdc++": "x" } });

    expect(result.status).toBe(400);
    expect(result.json.badRequest.message).toContain("libstdc++");
  });

  it("rejects a key of 256 characters", async () => {
    const key = "k".repeat(256);
    const result = await write("PUT", metadataPath("v2", PROJECT_ID, WEB_SERVER_ID, key), { meta: { [key]: "x" } });

    expect(result.status).toBe(400);
  });

  it("rejects a value of 256 characters", async () => {
    const value = "v".repeat(256);
    const result = await write("PUT", metadataPath("v2", PROJECT_ID, WEB_SERVER_ID, "long"), { meta: { long: value } });

    expect(result.status).toBe(400);
    expect(result.json.badRequest.message).toContain("256 characters");
  });

  it("counts a value's length in code points", async () => {
    const value = "\u{1F600}".repeat(255);
    const result = await write("PUT", metadataPath("v2", PROJECT_ID, WEB_SERVER_ID, "emoji"), { meta: { emoji: value } });

    expect(result.status).toBe(200);
  });

  it("rejects a value that is not a string", async () => {
    const result = await write("PUT", metadataPath("v2", PROJECT_ID, WEB_SERVER_ID, "count"), { meta: { count: 3 } });

    expect(result.status).toBe(400);
    expect(result.json.badRequest.message).toContain("must be a string");
  });

  it("rejects a body that is not JSON", async () => {
    const result = await write("PUT", metadataPath("v2", PROJECT_ID, WEB_SERVER_ID, "role"), "{not json");

    expect(result.status).toBe(400);
    expect(result.json.badRequest.message).toContain("invalid JSON");
  });

  it("rejects a body without the meta wrapper", async () => {
    const result = await write("PUT", metadataPath("v2", PROJECT_ID, WEB_SERVER_ID, "role"), { metadata: { role: "x" } });

    expect(result.status).toBe(400);
  });

  it("rejects a write to a server that is building", async () => {
    const result = await write("PUT", metadataPath("v2", PROJECT_ID, BUILD_SERVER_ID, "role"), { meta: { role: "x" } });

    expect(result.status).toBe(409);
    expect(result.json.conflict.code).toBe(409);
    expect(result.json.conflict.message).toContain("BUILD");
  });

  it("accepts a write after the server becomes active", async () => {
    simulator.setServerStatus(PROJECT_ID, BUILD_SERVER_ID, "ACTIVE");

    const result = await write("PUT", metadataPath("v2", PROJECT_ID, BUILD_SERVER_ID, "role"), { meta: { role: "x" } });

    expect(result.status).toBe(200);
  });

  it("rejects the 129th key with a quota error", async () => {
    fillMetadata(DB_SERVER_ID, 128);

    const result = await write("PUT", metadataPath("v2", PROJECT_ID, DB_SERVER_ID, "one-more"), { meta: { "one-more": "x" } });

    expect(result.status).toBe(403);
    expect(result.json.forbidden.message).toContain("Quota exceeded for metadata items");
  });

  it("allows changing a key of a server at the quota", async () => {
    fillMetadata(DB_SERVER_ID, 128);

    const result = await write("PUT", metadataPath("v2", PROJECT_ID, DB_SERVER_ID, "key-0"), { meta: { "key-0": "changed" } });

    expect(result.status).toBe(200);
  });

  it("checks the body before looking up the server", async () => {
    const missingServerId = "00000000-0000-4000-8000-000000000000";
    const result = await write("PUT", metadataPath("v2", PROJECT_ID, missingServerId, "role"), "{not json");

    expect(result.status).toBe(400);
  });
});

describe("writing the whole map", () => {
  it("merges pairs with POST", async () => {
    const result = await write("POST", metadataPath("v2", PROJECT_ID, WEB_SERVER_ID), { metadata: { role: "api", owner: "team-a" } });

    expect(result.status).toBe(200);
    expect(result.json).toEqual({ metadata: { role: "api", "tier name": "front", "app:env": "prod", owner: "team-a" } });
  });

  it("replaces all pairs with PUT", async () => {
    const result = await write("PUT", metadataPath("v2.1", PROJECT_ID, WEB_SERVER_ID), { metadata: { owner: "team-a" } });

    expect(result.status).toBe(200);
    expect(result.json).toEqual({ metadata: { owner: "team-a" } });
    expect(simulator.getMetadata(PROJECT_ID, WEB_SERVER_ID)).toEqual({ owner: "team-a" });
  });

  it("clears all pairs with an empty PUT", async () => {
    const result = await write("PUT", metadataPath("v2", PROJECT_ID, WEB_SERVER_ID), { metadata: {} });

    expect(result.json).toEqual({ metadata: {} });
  });

  it("rejects a merge that exceeds the quota", async () => {
    fillMetadata(DB_SERVER_ID, 127);

    const result = await write("POST", metadataPath("v2", PROJECT_ID, DB_SERVER_ID), { metadata: { a: "1", b: "2" } });

    expect(result.status).toBe(403);
  });

  it("rejects a replacement with 129 pairs", async () => {
    const pairs = Object.fromEntries(Array.from({ length: 129 }, (_, index) => [`key-${index}`, "x"]));

    const result = await write("PUT", metadataPath("v2", PROJECT_ID, DB_SERVER_ID), { metadata: pairs });

    expect(result.status).toBe(403);
  });

  it("leaves the map unchanged when one pair is invalid", async () => {
    await write("POST", metadataPath("v2", PROJECT_ID, WEB_SERVER_ID), { metadata: { owner: "ok", "bad/key": "x" } });

    expect(simulator.getMetadata(PROJECT_ID, WEB_SERVER_ID).owner).toBeUndefined();
  });

  it("rejects a merge into a server that is building", async () => {
    const result = await write("POST", metadataPath("v2", PROJECT_ID, BUILD_SERVER_ID), { metadata: { a: "1" } });

    expect(result.status).toBe(409);
  });

  it("rejects a body without the metadata wrapper", async () => {
    const result = await write("POST", metadataPath("v2", PROJECT_ID, WEB_SERVER_ID), { meta: { a: "1" } });

    expect(result.status).toBe(400);
  });
});

describe("deleting a key", () => {
  it("deletes a key and returns 204 without a body", async () => {
    const result = await sendSigned(simulator.url, { method: "DELETE", path: metadataPath("v2", PROJECT_ID, WEB_SERVER_ID, "role") });

    expect(result.status).toBe(204);
    expect(result.text).toBe("");
    expect(simulator.getMetadata(PROJECT_ID, WEB_SERVER_ID).role).toBeUndefined();
  });

  it("deletes a key with a space", async () => {
    const path = `/v2.1/${PROJECT_ID}/servers/${WEB_SERVER_ID}/metadata/tier%20name`;
    await sendSigned(simulator.url, { method: "DELETE", path });

    const result = await get(path);

    expect(result.status).toBe(404);
  });

  it("reports a missing key as not found", async () => {
    const result = await sendSigned(simulator.url, { method: "DELETE", path: metadataPath("v2", PROJECT_ID, WEB_SERVER_ID, "absent") });

    expect(result.status).toBe(404);
    expect(result.json.itemNotFound.message).toBe("Metadata item was not found");
  });

  it("rejects a delete on a server that is building", async () => {
    const result = await sendSigned(simulator.url, { method: "DELETE", path: metadataPath("v2", PROJECT_ID, BUILD_SERVER_ID, "role") });

    expect(result.status).toBe(409);
  });
});

describe("in-memory data", () => {
  it("does not change the data given to the simulator", async () => {
    await write("PUT", metadataPath("v2", PROJECT_ID, WEB_SERVER_ID, "role"), { meta: { role: "api" } });

    expect(data.projects[0].servers[0].metadata.role).toBe("web");
  });
});

function fillMetadata(serverId: string, count: number): void {
  for (let index = 0; index < count; index += 1) {
    simulator.setMetadata(PROJECT_ID, serverId, `key-${index}`, "x");
  }
}
