import { defaultSources } from "../settings/defaultSources";
import { resolveLookupTarget } from "./lookupAuth";

const PROJECT_ID = "0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e";
const inputs = { serverId: "6f0e2a3b-4c5d-4e6f-8a9b-0c1d2e3f4a5b", key: "role" };

function sources(config: Record<string, unknown>, env: NodeJS.ProcessEnv = {}) {
  return defaultSources({ getConfig: (key) => config[key], env, homeDirectory: "/nonexistent-home" });
}

describe("resolveLookupTarget", () => {
  it.each([
    ["cn-north-4", {}, "https://ecs.cn-north-4.myhuaweicloud.com"],
    ["ap-southeast-1", {}, "https://ecs.ap-southeast-1.myhuaweicloud.com"],
    ["eu-west-101", {}, "https://ecs.eu-west-101.myhuaweicloud.eu"],
    ["eu-west-101", { HW_CLOUD: "example.internal" }, "https://ecs.eu-west-101.example.internal"],
  ])("builds the endpoint of %s", async (region, env, endpoint) => {
    const target = await resolveLookupTarget(inputs, sources({ "huaweicloud:region": region, "huaweicloud:projectId": PROJECT_ID }, env));
    expect(target.endpoint).toBe(endpoint);
  });

  it("keeps the resolved region", async () => {
    const target = await resolveLookupTarget(inputs, sources({}, { HW_REGION_NAME: "eu-west-101", HW_PROJECT_ID: PROJECT_ID }));
    expect(target.region).toBe("eu-west-101");
  });

  it("reads no credentials while the project id is set", async () => {
    const target = await resolveLookupTarget(inputs, sources({ "huaweicloud:region": "cn-north-4", "huaweicloud:projectId": PROJECT_ID }));
    expect(target.projectId).toBe(PROJECT_ID);
  });

  it("needs credentials to find a missing project id", async () => {
    await expect(resolveLookupTarget(inputs, sources({ "huaweicloud:region": "cn-north-4" }))).rejects.toThrow("No Huawei Cloud credentials found");
  });

  it("rejects an endpoints override that is not a URL before any request", async () => {
    await expect(resolveLookupTarget(inputs, sources({ "huaweicloud:region": "cn-north-4", "huaweicloud:endpoints": { ecs: "not a url" } }))).rejects.toThrow(
      "huaweicloud:endpoints.ecs",
    );
  });
});
