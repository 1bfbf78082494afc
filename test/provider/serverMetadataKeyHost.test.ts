// ServerMetadataKey driven through Pulumi's real dynamic-provider host over gRPC, as the engine
// drives it, against the local ECS endpoint on loopback.
import type { DynamicProviderHost, PropertyMap } from "../../provider/harness";
import { startSimulator, type RunningSimulator } from "../../provider/simulator";
import {
  DATA,
  PERMANENT,
  PROJECT_ID,
  REGION,
  SERVER_ID,
  serializedProviderText,
  stackConfig,
  startHost,
  TEMPORARY,
  urnOf,
} from "../support/providerFixtures";

let simulator: RunningSimulator;
let host: DynamicProviderHost;
let providerText: string;

beforeAll(async () => {
  simulator = await startSimulator({ data: DATA });
  providerText = serializedProviderText();
  host = await startHost();
  await host.client.configure(stackConfig(simulator.url, PERMANENT));
});

afterAll(async () => {
  await host?.stop();
  await simulator?.close();
});

beforeEach(() => {
  simulator.setMetadata(PROJECT_ID, SERVER_ID, "role", "web");
  simulator.clearRequests();
});

function inputs(extra: PropertyMap = {}): PropertyMap {
  return { __provider: providerText, serverId: SERVER_ID, key: "role", ...extra };
}

async function create(name: string, properties: PropertyMap = inputs()) {
  const checked = await host.client.check(urnOf(name), {}, properties);
  expect(checked.failures).toEqual([]);
  return host.client.create(urnOf(name), checked.inputs);
}

describe("check", () => {
  it("fills in the default API version", async () => {
    const result = await host.client.check(urnOf("a"), {}, inputs());
    expect(result.inputs.apiVersion).toBe("v2.1");
  });

  it("accepts a valid input set without failures", async () => {
    const result = await host.client.check(urnOf("a"), {}, inputs({ apiVersion: "v2", region: "cn-north-4" }));
    expect(result.failures).toEqual([]);
  });

  it("names serverId when it is not a UUID", async () => {
    const result = await host.client.check(urnOf("a"), {}, inputs({ serverId: "web-1" }));
    expect(result.failures.map((failure) => failure.property)).toEqual(["serverId"]);
  });

  it("names key when it contains a slash", async () => {
    const result = await host.client.check(urnOf("a"), {}, inputs({ key: "a/b" }));
    expect(result.failures[0].reason).toContain('"/"');
  });

  it("rejects an input that is not in the schema", async () => {
    const result = await host.client.check(urnOf("a"), {}, inputs({ secretKey: "x" }));
    expect(result.failures.map((failure) => failure.property)).toEqual(["secretKey"]);
  });

  it("rejects an unsupported API version", async () => {
    const result = await host.client.check(urnOf("a"), {}, inputs({ apiVersion: "v3" }));
    expect(result.failures.map((failure) => failure.property)).toEqual(["apiVersion"]);
  });

  it("sends no request", async () => {
    await host.client.check(urnOf("a"), {}, inputs({ serverId: "web-1", key: "a/b" }));
    expect(simulator.requestCount).toBe(0);
  });
});

describe("create", () => {
  it("returns the id {serverId}/{key}", async () => {
    const result = await create("role");
    expect(result.id).toBe(`${SERVER_ID}/role`);
  });

  it("returns the live value", async () => {
    const result = await create("role");
    expect(result.properties.value).toBe("web");
  });

  it("returns the inputs as resolved", async () => {
    const { properties } = await create("role");
    expect(properties).toMatchObject({ serverId: SERVER_ID, key: "role", projectId: PROJECT_ID, region: REGION, endpoint: simulator.url, apiVersion: "v2.1" });
  });

  it("sends one v2.1 request to the key's path", async () => {
    await create("role");
    expect(simulator.requests.map((request) => `${request.method} ${request.path}`)).toEqual([
      `GET /v2.1/${PROJECT_ID}/servers/${SERVER_ID}/metadata/role`,
    ]);
  });

  it("shares one request between keys of one server created together", async () => {
    const role = await host.client.check(urnOf("role"), {}, inputs());
    const team = await host.client.check(urnOf("team"), {}, inputs({ key: "owner:team" }));
    const results = await Promise.all([host.client.create(urnOf("role"), role.inputs), host.client.create(urnOf("team"), team.inputs)]);
    expect(results.map((result) => result.properties.value)).toEqual(["web", "platform"]);
    expect(simulator.requests.map((request) => request.path)).toEqual([`/v2.1/${PROJECT_ID}/servers/${SERVER_ID}/metadata`]);
  });

  it("uses v2 when asked", async () => {
    await create("role-v2", inputs({ apiVersion: "v2" }));
    expect(simulator.requests[0].path.startsWith("/v2/")).toBe(true);
  });

  it("reads a key with a space and a colon intact", async () => {
    const spaced = await create("release", inputs({ key: "release date" }));
    const colon = await create("team", inputs({ key: "owner:team" }));
    expect(spaced.properties.value).toBe("2026-12-01");
    expect(colon.properties.value).toBe("platform");
  });

  it("fails with the server and key of a missing key", async () => {
    await expect(create("missing", inputs({ key: "no-such-key" }))).rejects.toThrow(`${SERVER_ID} has no metadata key "no-such-key"`);
  });

  it("fails with the id of a missing server", async () => {
    const serverId = "00000000-0000-0000-0000-000000000000";
    await expect(create("gone", inputs({ serverId }))).rejects.toThrow(`Server ${serverId} was not found`);
  });

  it("keeps credentials out of the stored properties", async () => {
    const { properties } = await create("role");
    const stored = JSON.stringify(properties);
    expect(stored).not.toContain(PERMANENT.secretKey);
    expect(stored).not.toContain(PERMANENT.accessKey);
  });
});

describe("diff", () => {
  it("reports no change when nothing changed", async () => {
    const { properties } = await create("role");
    simulator.clearRequests();
    const result = await host.client.diff(`${SERVER_ID}/role`, urnOf("role"), properties, inputs({ apiVersion: "v2.1" }));
    expect(result).toEqual({ changes: "none", replaces: [], deleteBeforeReplace: false });
  });

  it("reads the live value to find a change", async () => {
    const { properties } = await create("role");
    simulator.clearRequests();
    await host.client.diff(`${SERVER_ID}/role`, urnOf("role"), properties, inputs({ apiVersion: "v2.1" }));
    expect(simulator.requestCount).toBe(1);
  });

  it("reports an update when the value changed on the server", async () => {
    const { properties } = await create("role");
    simulator.setMetadata(PROJECT_ID, SERVER_ID, "role", "api");
    const result = await host.client.diff(`${SERVER_ID}/role`, urnOf("role"), properties, inputs({ apiVersion: "v2.1" }));
    expect(result).toEqual({ changes: "some", replaces: [], deleteBeforeReplace: false });
  });

  it("asks for replacement when the key changed", async () => {
    const { properties } = await create("role");
    const result = await host.client.diff(`${SERVER_ID}/role`, urnOf("role"), properties, inputs({ key: "owner:team", apiVersion: "v2.1" }));
    expect(result.replaces).toEqual(["key"]);
  });

  it("asks for replacement when the API version changed", async () => {
    const { properties } = await create("role");
    const result = await host.client.diff(`${SERVER_ID}/role`, urnOf("role"), properties, inputs({ apiVersion: "v2" }));
    expect(result.replaces).toEqual(["apiVersion"]);
  });

  it("keeps an explicit input equal to the configured value stable", async () => {
    const { properties } = await create("role");
    const result = await host.client.diff(`${SERVER_ID}/role`, urnOf("role"), properties, inputs({ projectId: PROJECT_ID, apiVersion: "v2.1" }));
    expect(result.changes).toBe("none");
  });
});

describe("read", () => {
  it("returns the live value", async () => {
    const { id, properties } = await create("role");
    simulator.setMetadata(PROJECT_ID, SERVER_ID, "role", "batch");
    const result = await host.client.read(id, urnOf("role"), properties);
    expect(result.properties.value).toBe("batch");
  });

  it("returns the inputs as well as the outputs", async () => {
    const { id, properties } = await create("role");
    const result = await host.client.read(id, urnOf("role"), properties);
    expect(result.inputs).toMatchObject({ serverId: SERVER_ID, key: "role", projectId: PROJECT_ID, apiVersion: "v2.1" });
  });

  it("reads by id alone, as an import does", async () => {
    const result = await host.client.read(`${SERVER_ID}/owner:team`, urnOf("imported"), {}, { __provider: providerText });
    expect(result.properties.value).toBe("platform");
  });

  it("rejects an id without a key", async () => {
    await expect(host.client.read(SERVER_ID, urnOf("imported"), {}, { __provider: providerText })).rejects.toThrow("{serverId}/{key}");
  });
});

describe("update and delete", () => {
  it("update returns the live value", async () => {
    const { id, properties } = await create("role");
    simulator.setMetadata(PROJECT_ID, SERVER_ID, "role", "cache");
    const result = await host.client.update(id, urnOf("role"), properties, inputs({ apiVersion: "v2.1" }));
    expect(result.properties.value).toBe("cache");
  });

  it("delete sends no request", async () => {
    const { id, properties } = await create("role");
    simulator.clearRequests();
    await host.client.delete(id, urnOf("role"), properties);
    expect(simulator.requestCount).toBe(0);
  });

  it("delete leaves the key on the server", async () => {
    const { id, properties } = await create("role");
    await host.client.delete(id, urnOf("role"), properties);
    expect(simulator.getMetadata(PROJECT_ID, SERVER_ID).role).toBe("web");
  });
});

describe("credentials", () => {
  it("reports a wrong secret key with the access key id and no retry", async () => {
    const wrongHost = await startHost();
    try {
      await wrongHost.client.configure(stackConfig(simulator.url, { accessKey: PERMANENT.accessKey, secretKey: "wrong-secret-value" }));
      const checked = await wrongHost.client.check(urnOf("role"), {}, inputs());
      const error = await wrongHost.client.create(urnOf("role"), checked.inputs).then(
        () => undefined,
        (rejection: Error) => rejection,
      );
      expect(error?.message).toContain("status 401");
      expect(error?.message).toContain(PERMANENT.accessKey);
      expect(error?.message).not.toContain("wrong-secret-value");
      expect(simulator.requestCount).toBe(1);
    } finally {
      await wrongHost.stop();
    }
  });

  it("falls back to HW_* environment variables", async () => {
    const envHost = await startHost({
      HW_ACCESS_KEY: PERMANENT.accessKey,
      HW_SECRET_KEY: PERMANENT.secretKey,
      HW_REGION_NAME: REGION,
      HW_PROJECT_ID: PROJECT_ID,
    });
    try {
      await envHost.client.configure({ "huaweicloud:endpoints": JSON.stringify({ ecs: simulator.url }) });
      const checked = await envHost.client.check(urnOf("role"), {}, inputs());
      const result = await envHost.client.create(urnOf("role"), checked.inputs);
      expect(result.properties.value).toBe("web");
    } finally {
      await envHost.stop();
    }
  });

  it("signs temporary credentials with the security token", async () => {
    const temporaryHost = await startHost();
    try {
      await temporaryHost.client.configure(stackConfig(simulator.url, TEMPORARY));
      const checked = await temporaryHost.client.check(urnOf("role"), {}, inputs());
      const result = await temporaryHost.client.create(urnOf("role"), checked.inputs);
      expect(result.properties.value).toBe("web");
    } finally {
      await temporaryHost.stop();
    }
  });

  it("names every place looked at when no credentials are set", async () => {
    const bareHost = await startHost();
    try {
      await bareHost.client.configure({ "huaweicloud:region": REGION, "huaweicloud:projectId": PROJECT_ID });
      const checked = await bareHost.client.check(urnOf("role"), {}, inputs());
      await expect(bareHost.client.create(urnOf("role"), checked.inputs)).rejects.toThrow("HW_ACCESS_KEY");
      expect(simulator.requestCount).toBe(0);
    } finally {
      await bareHost.stop();
    }
  });
});

describe("serialized provider", () => {
  it("contains none of the configured credentials", () => {
    const text = serializedProviderText({
      ...process.env,
      HW_ACCESS_KEY: PERMANENT.accessKey,
      HW_SECRET_KEY: PERMANENT.secretKey,
      PULUMI_CONFIG: JSON.stringify({ "huaweicloud:accessKey": TEMPORARY.accessKey, "huaweicloud:secretKey": TEMPORARY.secretKey }),
    });
    for (const secret of [PERMANENT.accessKey, PERMANENT.secretKey, TEMPORARY.accessKey, TEMPORARY.secretKey]) {
      expect(text).not.toContain(secret);
    }
  });

  it("loads the package by name instead of embedding it", () => {
    expect(providerText).toContain('"pulumi-ecs-metadata/provider-host"');
    expect(providerText).not.toContain("signRequest");
  });

  it("stays under 8 KB", () => {
    expect(Buffer.byteLength(providerText)).toBeLessThan(8 * 1024);
  });
});
