// getServerMetadataKey and getServerMetadataKeyOutput run in the program's own process; here that is
// the jest worker, with stack config set through Pulumi's runtime and the local endpoint on loopback.
import * as pulumi from "@pulumi/pulumi";

import { KeyNotFoundError } from "../../provider/client";
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
      value: "web",
    });
  });

  it("raises KeyNotFoundError for a missing key", async () => {
    await expect(getServerMetadataKey({ serverId: SERVER_ID, key: "absent" })).rejects.toBeInstanceOf(KeyNotFoundError);
  });

  it("rejects invalid arguments before any request", async () => {
    await expect(getServerMetadataKey({ serverId: "web-1", key: "role" })).rejects.toThrow('serverId "web-1" is not a UUID');
    expect(simulator.requestCount).toBe(0);
  });
});

describe("getServerMetadataKeyOutput", () => {
  it("resolves Output arguments and returns the value", async () => {
    const result = getServerMetadataKeyOutput({ serverId: pulumi.output(SERVER_ID), key: pulumi.output("owner:team") });
    expect((await valueOf(result)).value).toBe("platform");
  });
});
