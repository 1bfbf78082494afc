import { MetadataBatcher, MetadataReader } from "./metadataBatcher";
import { MetadataKeyTarget, ServerTarget } from "./urls";

const SERVER: ServerTarget = { apiVersion: "v2.1", projectId: "0123456789abcdef0123456789abcdef", serverId: "5b5c1e1e-1111-2222-3333-444455556666" };
const OTHER_SERVER: ServerTarget = { ...SERVER, serverId: "9d0e7f2a-4444-5555-6666-777788889999" };

function target(key: string, server: ServerTarget = SERVER): MetadataKeyTarget {
  return { ...server, key };
}

/** Reader over an in-memory map that records every request it receives. */
class RecordingReader implements MetadataReader {
  readonly requests: string[] = [];
  allKeysFailure: Error | undefined;

  constructor(private readonly data: Record<string, Record<string, string>>) {}

  async getMetadataKey(lookup: MetadataKeyTarget): Promise<string> {
    this.requests.push(`key ${lookup.serverId} ${lookup.key}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
    const value = this.data[lookup.serverId]?.[lookup.key];
    if (value === undefined) {
      throw this.keyNotFoundError(lookup, "single");
    }
    return value;
  }

  async getAllMetadata(server: ServerTarget) {
    this.requests.push(`all ${server.serverId}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
    if (this.allKeysFailure) {
      throw this.allKeysFailure;
    }
    return { metadata: { ...this.data[server.serverId] }, requestId: "all-request" };
  }

  keyNotFoundError(lookup: MetadataKeyTarget, requestId: string | undefined): Error {
    return new Error(`no key ${lookup.key} (request ${requestId})`);
  }

  sharedRequestError(error: unknown, lookup: MetadataKeyTarget): unknown {
    return new Error(`key ${lookup.key}: ${(error as Error).message}`);
  }
}

const DATA: Record<string, Record<string, string>> = {
  [SERVER.serverId]: { role: "web", team: "platform", tier: "front" },
  [OTHER_SERVER.serverId]: { role: "db" },
};

describe("MetadataBatcher", () => {
  it("keeps the single-key GET for a lone lookup", async () => {
    const reader = new RecordingReader(DATA);
    const batcher = new MetadataBatcher(reader);
    await expect(batcher.getMetadataKey(target("role"))).resolves.toBe("web");
    expect(reader.requests).toEqual([`key ${SERVER.serverId} role`]);
  });

  it("shares one all-keys GET between keys of one server", async () => {
    const reader = new RecordingReader(DATA);
    const batcher = new MetadataBatcher(reader);
    const values = await Promise.all(["role", "team", "tier"].map((key) => batcher.getMetadataKey(target(key))));
    expect(values).toEqual(["web", "platform", "front"]);
    expect(reader.requests).toEqual([`all ${SERVER.serverId}`]);
  });

  it("keeps servers apart", async () => {
    const reader = new RecordingReader(DATA);
    const batcher = new MetadataBatcher(reader);
    const values = await Promise.all([batcher.getMetadataKey(target("role")), batcher.getMetadataKey(target("role", OTHER_SERVER))]);
    expect(values).toEqual(["web", "db"]);
    expect(reader.requests.sort()).toEqual([`key ${SERVER.serverId} role`, `key ${OTHER_SERVER.serverId} role`].sort());
  });

  it("shares one request between identical lookups", async () => {
    const reader = new RecordingReader(DATA);
    const batcher = new MetadataBatcher(reader);
    const values = await Promise.all([batcher.getMetadataKey(target("role")), batcher.getMetadataKey(target("role"))]);
    expect(values).toEqual(["web", "web"]);
    expect(reader.requests).toHaveLength(1);
  });

  it("joins an identical single-key request in flight", async () => {
    const reader = new RecordingReader(DATA);
    const batcher = new MetadataBatcher(reader);
    const first = batcher.getMetadataKey(target("role"));
    await new Promise((resolve) => setTimeout(resolve, 1));
    const second = batcher.getMetadataKey(target("role"));
    await expect(Promise.all([first, second])).resolves.toEqual(["web", "web"]);
    expect(reader.requests).toHaveLength(1);
  });

  it("joins an all-keys request in flight for another key", async () => {
    const reader = new RecordingReader(DATA);
    const batcher = new MetadataBatcher(reader);
    const group = Promise.all([batcher.getMetadataKey(target("role")), batcher.getMetadataKey(target("team"))]);
    await new Promise((resolve) => setTimeout(resolve, 1));
    const late = batcher.getMetadataKey(target("tier"));
    await expect(late).resolves.toBe("front");
    await group;
    expect(reader.requests).toEqual([`all ${SERVER.serverId}`]);
  });

  it("raises the single-key not-found error for a key absent from the map", async () => {
    const reader = new RecordingReader(DATA);
    const batcher = new MetadataBatcher(reader);
    const [found, missing] = await Promise.allSettled([batcher.getMetadataKey(target("role")), batcher.getMetadataKey(target("absent"))]);
    expect(found).toEqual({ status: "fulfilled", value: "web" });
    expect(missing).toEqual({ status: "rejected", reason: new Error("no key absent (request all-request)") });
  });

  it("names each waiting key when the shared request fails", async () => {
    const reader = new RecordingReader(DATA);
    reader.allKeysFailure = new Error("503");
    const batcher = new MetadataBatcher(reader);
    const results = await Promise.allSettled([batcher.getMetadataKey(target("role")), batcher.getMetadataKey(target("team"))]);
    expect(results.map((result) => (result as PromiseRejectedResult).reason.message)).toEqual(["key role: 503", "key team: 503"]);
  });

  it("sends a new request once the previous one settled", async () => {
    const reader = new RecordingReader(DATA);
    const batcher = new MetadataBatcher(reader);
    await batcher.getMetadataKey(target("role"));
    await batcher.getMetadataKey(target("role"));
    expect(reader.requests).toHaveLength(2);
  });
});
