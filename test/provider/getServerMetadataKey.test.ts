// getServerMetadataKey and getServerMetadataKeyOutput run in the program's own process, which here is
// the jest worker. Stack config is set through Pulumi's runtime, and the local endpoint is on loopback.
import * as pulumi from "@pulumi/pulumi";

import { InvalidInputError, KeyNotFoundError, ServerNotFoundError } from "../../provider/client";
import { ServerMetadataKey } from "../../provider/resource/serverMetadataKey";
import { getServerMetadataKey, getServerMetadataKeyOutput } from "../../provider/resource/getServerMetadataKey";
import { startSimulator, type RunningSimulator } from "../../provider/simulator";
import { DATA, PERMANENT, PROJECT_ID, SERVER_ID, stackConfig } from "../support/providerFixtures";

let simulator: RunningSimulator;

beforeAll(async () => {
  simulator = await startSimulator({ data: DATA });
  pulumi.runtime.setAllConfig(stackConfig(simulator.url, PERMANENT));
});

afterAll(async () => {
  pulumi.runtime.setAllConfig({});
  await simulator?.close();
});

beforeEach(() => simulator.clearRequests());

function valueOf<T>(output: pulumi.Output<T>): Promise<T> {
  return new Promise((resolve) => output.apply(resolve));
}

describe("getServerMetadataKey", () => {
  it("returns the value and the resolved target", async () => {
    const result = await getServerMetadataKey({ serverId: SERVER_ID, key: "role" });
    expect(result).toEqual({
      serverId: SERVER_ID,
      key: "role",
      projectId: PROJECT_ID,
      region: "cn-north-4",
      endpoint: simulator.url,
      apiVersion: "v2.1",
      secret: false,
      ifMissing: "fail",
      defaultValue: null,
      found: true,
      value: "web",
    });
  });

  it("returns the default with found false for a missing key", async () => {
    const result = await getServerMetadataKey({ serverId: SERVER_ID, key: "absent", ifMissing: "default", defaultValue: "none" });
    expect(result).toMatchObject({ found: false, value: "none", defaultValue: "none" });
  });

  it("still raises ServerNotFoundError for a missing server with ifMissing default", async () => {
    const lookup = getServerMetadataKey({ serverId: "00000000-0000-4000-8000-000000000000", key: "role", ifMissing: "default", defaultValue: "none" });
    await expect(lookup).rejects.toBeInstanceOf(ServerNotFoundError);
  });

  it("requires defaultValue with ifMissing default before any request", async () => {
    await expect(getServerMetadataKey({ serverId: SERVER_ID, key: "role", ifMissing: "default" })).rejects.toThrow("defaultValue is required");
    expect(simulator.requestCount).toBe(0);
  });

  it("raises KeyNotFoundError for a missing key", async () => {
    await expect(getServerMetadataKey({ serverId: SERVER_ID, key: "absent" })).rejects.toBeInstanceOf(KeyNotFoundError);
  });

  it("rejects invalid arguments before any request", async () => {
    await expect(getServerMetadataKey({ serverId: "web-1", key: "role" })).rejects.toThrow('serverId "web-1" is not a UUID');
    expect(simulator.requestCount).toBe(0);
  });
});

describe("debug logging", () => {
  it("logs each lookup through pulumi.log.debug without the value", async () => {
    const debug = jest.spyOn(pulumi.log, "debug").mockResolvedValue();
    try {
      simulator.setMetadata(PROJECT_ID, SERVER_ID, "api token", "tok-7c1e-do-not-log");
      await getServerMetadataKey({ serverId: SERVER_ID, key: "api token", secret: true });
      const messages = debug.mock.calls.map(([message]) => message);
      expect(messages.some((message) => message.includes('key "api token"'))).toBe(true);
      expect(messages.join("\n")).not.toContain("tok-7c1e-do-not-log");
    } finally {
      debug.mockRestore();
      simulator.deleteMetadata(PROJECT_ID, SERVER_ID, "api token");
    }
  });
});

describe("getServerMetadataKeyOutput", () => {
  it("resolves Output arguments and returns the value", async () => {
    const result = getServerMetadataKeyOutput({ serverId: pulumi.output(SERVER_ID), key: pulumi.output("owner:team") });
    expect((await valueOf(result)).value).toBe("platform");
  });

  it("returns a secret with secret: true", async () => {
    const result = getServerMetadataKeyOutput({ serverId: SERVER_ID, key: "role", secret: true });
    expect(await pulumi.isSecret(result.value)).toBe(true);
    expect(await valueOf(result.value)).toBe("web");
  });

  it("returns a plain value without secret", async () => {
    const result = getServerMetadataKeyOutput({ serverId: SERVER_ID, key: "role" });
    expect(await pulumi.isSecret(result.value)).toBe(false);
  });

  it("returns a secret for a secret defaultValue", async () => {
    const result = getServerMetadataKeyOutput({ serverId: SERVER_ID, key: "absent", ifMissing: "default", defaultValue: pulumi.secret("none") });
    expect(await pulumi.isSecret(result.value)).toBe(true);
    expect(await valueOf(result.found)).toBe(false);
  });
});

describe("argument checks in the program", () => {
  it("getServerMetadataKey raises InvalidInputError for invalid arguments", async () => {
    await expect(getServerMetadataKey({ serverId: "web-1", key: "role" })).rejects.toBeInstanceOf(InvalidInputError);
  });

  it("ServerMetadataKey rejects a misspelt argument", () => {
    const args = { serverId: SERVER_ID, key: "role", secrett: true } as unknown as ConstructorParameters<typeof ServerMetadataKey>[1];
    expect(() => new ServerMetadataKey("typo", args)).toThrow('"secrett" is not an argument');
  });

  it("ServerMetadataKey rejects a secret that is not a plain boolean", () => {
    const args = { serverId: SERVER_ID, key: "role", secret: pulumi.output(true) } as unknown as ConstructorParameters<typeof ServerMetadataKey>[1];
    expect(() => new ServerMetadataKey("output-secret", args)).toThrow(InvalidInputError);
  });
});
