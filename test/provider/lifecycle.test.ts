// Previews, drift, missing keys and secrets of ServerMetadataKey, driven through Pulumi's real
// dynamic-provider host over gRPC as the engine drives it, against the local ECS endpoint.
import { UNKNOWN_VALUE, type DynamicProviderHost, type PropertyMap } from "../../provider/harness";
import { startSimulator, type RunningSimulator } from "../../provider/simulator";
import { DATA, PERMANENT, PROJECT_ID, REGION, SERVER_ID, serializedProviderText, stackConfig, startHost, urnOf } from "../support/providerFixtures";

const MISSING_SERVER_ID = "00000000-0000-4000-8000-000000000000";
const SECRET_VALUE = "tok-3f9a-do-not-print";

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
  simulator.setMetadata(PROJECT_ID, SERVER_ID, "api token", SECRET_VALUE);
  simulator.deleteMetadata(PROJECT_ID, SERVER_ID, "maintenance window");
  simulator.clearRequests();
});

function inputs(extra: PropertyMap = {}): PropertyMap {
  return { __provider: providerText, serverId: SERVER_ID, key: "role", ...extra };
}

async function check(properties: PropertyMap) {
  const checked = await host.client.check(urnOf("lookup"), {}, properties);
  expect(checked.failures).toEqual([]);
  return checked.inputs;
}

async function create(properties: PropertyMap = inputs()) {
  const checked = await check(properties);
  const created = await host.client.create(urnOf("lookup"), checked);
  return { checked, id: created.id, outputs: created.properties };
}

function withoutProvider(properties: PropertyMap): PropertyMap {
  const { __provider: _provider, ...rest } = properties;
  return rest;
}

async function failureOf(promise: Promise<unknown>): Promise<Error> {
  return promise.then(
    () => {
      throw new Error("expected a rejection");
    },
    (error: Error) => error,
  );
}

describe("check", () => {
  it("resolves projectId, region and endpoint from the settings", async () => {
    const checked = await check(inputs());
    expect(checked).toMatchObject({ projectId: PROJECT_ID, region: REGION, endpoint: simulator.url });
  });

  it("fills in the defaults with null for no defaultValue", async () => {
    const checked = await check(inputs());
    expect(checked).toMatchObject({ apiVersion: "v2.1", secret: false, ifMissing: "fail", defaultValue: null });
  });

  it("names projectId when no project id is set", async () => {
    const bareHost = await startHost();
    try {
      await bareHost.client.configure({ "huaweicloud:endpoints": JSON.stringify({ ecs: simulator.url }) });
      const result = await bareHost.client.check(urnOf("lookup"), {}, inputs());
      expect(result.failures.map((failure) => failure.property)).toEqual(["projectId"]);
      expect(result.failures[0].reason).toContain("huaweicloud:projectId");
    } finally {
      await bareHost.stop();
    }
  });

  it("names maxRetries when it is invalid", async () => {
    const retryHost = await startHost();
    try {
      await retryHost.client.configure({ ...stackConfig(simulator.url, PERMANENT), "huaweicloud:maxRetries": "many" });
      const result = await retryHost.client.check(urnOf("lookup"), {}, inputs());
      expect(result.failures.map((failure) => failure.property)).toEqual(["huaweicloud:maxRetries"]);
      expect(simulator.requestCount).toBe(0);
    } finally {
      await retryHost.stop();
    }
  });

  it.each([
    ["huaweicloud:maxRequestsPerSecond", "0"],
    ["huaweicloud:maxConcurrentRequests", "many"],
    ["huaweicloud:coalesceLookups", "yes"],
  ])("names %s when it is invalid", async (setting, value) => {
    const throughputHost = await startHost();
    try {
      await throughputHost.client.configure({ ...stackConfig(simulator.url, PERMANENT), [setting]: value });
      const result = await throughputHost.client.check(urnOf("lookup"), {}, inputs());
      expect(result.failures.map((failure) => failure.property)).toEqual([setting]);
    } finally {
      await throughputHost.stop();
    }
  });

  it("fails when no credentials are set", async () => {
    const bareHost = await startHost();
    try {
      const { "huaweicloud:accessKey": _accessKey, "huaweicloud:secretKey": _secretKey, ...withoutCredentials } = stackConfig(simulator.url, PERMANENT);
      await bareHost.client.configure(withoutCredentials);
      const result = await bareHost.client.check(urnOf("lookup"), {}, inputs());
      expect(result.failures).toHaveLength(1);
      expect(result.failures[0].reason).toContain("HW_ACCESS_KEY");
      expect(simulator.requestCount).toBe(0);
    } finally {
      await bareHost.stop();
    }
  });

  it("passes an unknown serverId through", async () => {
    const result = await host.client.check(urnOf("lookup"), {}, inputs({ serverId: UNKNOWN_VALUE }));
    expect(result.failures).toEqual([]);
    expect(result.inputs.serverId).toBe(UNKNOWN_VALUE);
    expect(simulator.requestCount).toBe(0);
  });

  it("leaves the settings unresolved while region is unknown", async () => {
    const result = await host.client.check(urnOf("lookup"), {}, inputs({ region: UNKNOWN_VALUE }));
    expect(result.inputs.region).toBe(UNKNOWN_VALUE);
    expect(result.inputs).not.toHaveProperty("endpoint");
  });

  it("requires defaultValue when ifMissing is default", async () => {
    const result = await host.client.check(urnOf("lookup"), {}, inputs({ ifMissing: "default" }));
    expect(result.failures.map((failure) => failure.property)).toEqual(["defaultValue"]);
  });

  it("accepts an unknown defaultValue when ifMissing is default", async () => {
    const result = await host.client.check(urnOf("lookup"), {}, inputs({ ifMissing: "default", defaultValue: UNKNOWN_VALUE }));
    expect(result.failures).toEqual([]);
  });

  it("rejects defaultValue without ifMissing default, without echoing it", async () => {
    const result = await host.client.check(urnOf("lookup"), {}, inputs({ defaultValue: SECRET_VALUE }));
    expect(result.failures.map((failure) => failure.property)).toEqual(["defaultValue"]);
    expect(result.failures[0].reason).not.toContain(SECRET_VALUE);
  });

  it("rejects an unsupported ifMissing", async () => {
    const result = await host.client.check(urnOf("lookup"), {}, inputs({ ifMissing: "ignore" }));
    expect(result.failures.map((failure) => failure.property)).toEqual(["ifMissing"]);
  });

  it("rejects a secret that is not a boolean", async () => {
    const result = await host.client.check(urnOf("lookup"), {}, inputs({ secret: "yes" }));
    expect(result.failures.map((failure) => failure.property)).toEqual(["secret"]);
  });
});

describe("ifMissing and found", () => {
  it("returns found true for a key that exists", async () => {
    const { outputs } = await create(inputs({ ifMissing: "default", defaultValue: "none" }));
    expect(outputs).toMatchObject({ found: true, value: "web" });
  });

  it("returns the default with found false for a missing key", async () => {
    const { id, outputs } = await create(inputs({ key: "maintenance window", ifMissing: "default", defaultValue: "none" }));
    expect(id).toBe(`${SERVER_ID}/maintenance window`);
    expect(outputs).toMatchObject({ found: false, value: "none", defaultValue: "none", ifMissing: "default" });
  });

  it("fails for a missing key by default", async () => {
    const checked = await check(inputs({ key: "maintenance window" }));
    await expect(host.client.create(urnOf("lookup"), checked)).rejects.toThrow('has no metadata key "maintenance window"');
  });

  it("still fails for a missing server", async () => {
    const checked = await check(inputs({ serverId: MISSING_SERVER_ID, ifMissing: "default", defaultValue: "none" }));
    await expect(host.client.create(urnOf("lookup"), checked)).rejects.toThrow(`Server ${MISSING_SERVER_ID} was not found`);
  });

  it("stores found true and null defaultValue without ifMissing", async () => {
    const { outputs } = await create();
    expect(outputs).toMatchObject({ found: true, defaultValue: null, ifMissing: "fail", secret: false });
  });
});

describe("diff in a preview", () => {
  it("asks to replace for an unknown serverId without a request", async () => {
    const { id, checked, outputs } = await create();
    simulator.clearRequests();
    const result = await host.client.diff(id, urnOf("lookup"), outputs, { ...checked, serverId: UNKNOWN_VALUE });
    expect(result).toEqual({ changes: "some", replaces: ["serverId"], deleteBeforeReplace: false });
    expect(simulator.requestCount).toBe(0);
  });

  it("reports an update for an unknown defaultValue without a request", async () => {
    const { id, checked, outputs } = await create(inputs({ ifMissing: "default", defaultValue: "none" }));
    simulator.clearRequests();
    const result = await host.client.diff(id, urnOf("lookup"), outputs, { ...checked, defaultValue: UNKNOWN_VALUE });
    expect(result).toEqual({ changes: "some", replaces: [], deleteBeforeReplace: false });
    expect(simulator.requestCount).toBe(0);
  });
});

describe("diff", () => {
  it("updates without replacement when ifMissing changes", async () => {
    const { id, checked, outputs } = await create();
    const news = await check(inputs({ ifMissing: "default", defaultValue: "none" }));
    const result = await host.client.diff(id, urnOf("lookup"), outputs, news);
    expect(checked.ifMissing).toBe("fail");
    expect(result).toEqual({ changes: "some", replaces: [], deleteBeforeReplace: false });
  });

  it("updates when secret changes", async () => {
    const { id, outputs } = await create();
    const result = await host.client.diff(id, urnOf("lookup"), outputs, await check(inputs({ secret: true })));
    expect(result.changes).toBe("some");
  });

  it("reports an update when a defaulted key appears", async () => {
    const { id, checked, outputs } = await create(inputs({ key: "maintenance window", ifMissing: "default", defaultValue: "none" }));
    simulator.setMetadata(PROJECT_ID, SERVER_ID, "maintenance window", "sun 02:00");
    const result = await host.client.diff(id, urnOf("lookup"), outputs, checked);
    expect(result.changes).toBe("some");
  });

  it("fails loudly when the key was deleted", async () => {
    const { id, checked, outputs } = await create();
    simulator.deleteMetadata(PROJECT_ID, SERVER_ID, "role");
    await expect(host.client.diff(id, urnOf("lookup"), outputs, checked)).rejects.toThrow('has no metadata key "role"');
  });
});

describe("refresh", () => {
  it("returns the stored outputs unchanged when nothing changed", async () => {
    const { id, outputs } = await create();
    const result = await host.client.read(id, urnOf("lookup"), outputs);
    expect(result.id).toBe(id);
    expect(result.properties).toEqual(outputs);
  });

  it("returns the inputs that check produced", async () => {
    const { id, checked, outputs } = await create(inputs({ ifMissing: "default", defaultValue: "none", secret: true }));
    const result = await host.client.read(id, urnOf("lookup"), outputs);
    expect(result.inputs).toEqual(checked);
  });

  it("shows no change after a refresh", async () => {
    const { id, checked, outputs } = await create();
    const first = await host.client.read(id, urnOf("lookup"), outputs);
    const second = await host.client.read(id, urnOf("lookup"), first.properties, first.inputs);
    const diff = await host.client.diff(id, urnOf("lookup"), second.properties, checked);
    expect(second.properties).toEqual(outputs);
    expect(second.inputs).toEqual(first.inputs);
    expect(diff.changes).toBe("none");
  });

  it("reads a changed value", async () => {
    const { id, outputs } = await create();
    simulator.setMetadata(PROJECT_ID, SERVER_ID, "role", "batch");
    const result = await host.client.read(id, urnOf("lookup"), outputs);
    expect(result.properties).toEqual({ ...outputs, value: "batch" });
  });

  it("removes a resource whose key was deleted", async () => {
    const { id, outputs } = await create();
    simulator.deleteMetadata(PROJECT_ID, SERVER_ID, "role");
    const result = await host.client.read(id, urnOf("lookup"), outputs);
    expect(result.id).toBe("");
  });

  it("removes a resource whose server is gone", async () => {
    const { id, outputs } = await create();
    const result = await host.client.read(id, urnOf("lookup"), { ...outputs, serverId: MISSING_SERVER_ID });
    expect(result.id).toBe("");
  });

  it("records found false for a deleted key with ifMissing default", async () => {
    const { id, outputs } = await create(inputs({ ifMissing: "default", defaultValue: "none" }));
    simulator.deleteMetadata(PROJECT_ID, SERVER_ID, "role");
    const result = await host.client.read(id, urnOf("lookup"), outputs);
    expect(result.id).toBe(id);
    expect(result.properties).toMatchObject({ found: false, value: "none" });
  });
});

describe("import", () => {
  it("reads by id alone with the default inputs", async () => {
    const result = await host.client.read(`${SERVER_ID}/role`, urnOf("imported"), {}, { __provider: providerText });
    expect(withoutProvider(result.properties)).toMatchObject({ value: "web", found: true, ifMissing: "fail", secret: false, defaultValue: null });
  });

  it("rejects an id whose server id is not a UUID", async () => {
    const error = await failureOf(host.client.read("web-1/role", urnOf("imported"), {}, { __provider: providerText }));
    expect(error.message).toContain('Resource id "web-1/role" is invalid');
    expect(simulator.requestCount).toBe(0);
  });
});

describe("secret values", () => {
  it("never reach the host's logs or error messages", async () => {
    const secretHost = await startHost();
    try {
      await secretHost.client.configure(stackConfig(simulator.url, PERMANENT));
      const checked = await secretHost.client.check(urnOf("token"), {}, inputs({ key: "api token", secret: true }));
      const created = await secretHost.client.create(urnOf("token"), checked.inputs);
      await secretHost.client.read(created.id, urnOf("token"), created.properties);
      simulator.deleteMetadata(PROJECT_ID, SERVER_ID, "api token");
      const diffError = await failureOf(secretHost.client.diff(created.id, urnOf("token"), created.properties, checked.inputs));
      const updateError = await failureOf(secretHost.client.update(created.id, urnOf("token"), created.properties, checked.inputs));

      expect(created.properties.value).toBe(SECRET_VALUE);
      expect(diffError.message).not.toContain(SECRET_VALUE);
      expect(updateError.message).not.toContain(SECRET_VALUE);
      expect(secretHost.stderr()).toContain("api token");
      expect(secretHost.stderr()).not.toContain(SECRET_VALUE);
      expect(secretHost.stdout()).not.toContain(SECRET_VALUE);
    } finally {
      await secretHost.stop();
    }
  });
});
