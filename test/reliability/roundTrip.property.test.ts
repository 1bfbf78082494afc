import fc from "fast-check";

import { InvalidInputError, destroyKeepAliveAgents, type EcsClient } from "../../provider/client";
import { checkMetadataKey } from "../../provider/settings";
import { encodeRfc3986 } from "../../provider/signer";
import { startSimulator, type RunningSimulator } from "../../provider/simulator";
import { DATA, PROJECT_ID, ROLE_TARGET, SERVER_ID, createClient } from "./reliabilityFixtures";

/** Keys that have broken other clients' URLs, mixed with random unicode and random valid keys. */
const HOSTILE_KEYS = [".", "..", "...", "a/b", "%2e%2e", "%2E", "key?x=1", "a#b", "a%2Fb", " ", "a b", "libstdc++", "__proto__", "constructor", "\u0000", "ключ", "😀", "\ud800", "a\udc00b"];

const keyArbitrary = fc.oneof(
  fc.constantFrom(...HOSTILE_KEYS),
  fc.string({ unit: "binary", minLength: 0, maxLength: 24 }),
  fc.string({ unit: "grapheme", minLength: 1, maxLength: 24 }),
  fc.stringMatching(/^[A-Za-z0-9_:. -]{1,40}$/),
);
const valueArbitrary = fc.oneof(fc.string({ unit: "binary", maxLength: 255 }), fc.string({ unit: "grapheme-composite", maxLength: 60 }), fc.constant(""));

let simulator: RunningSimulator;
let client: EcsClient;

beforeAll(async () => {
  simulator = await startSimulator({ data: DATA });
  client = createClient(simulator);
});

afterAll(async () => {
  await simulator.close();
  destroyKeepAliveAgents();
});

/** Returns the request path the simulator recorded last, and checks that it is the only one since `before`. */
function lastRequestPath(before: number): string | undefined {
  return simulator.requestCount === before + 1 ? simulator.requests[before].path : undefined;
}

describe("key and value round trip", () => {
  it("returns the exact value or fails validation before any request", async () => {
    await fc.assert(
      fc.asyncProperty(keyArbitrary, valueArbitrary, async (key, value) => {
        const before = simulator.requestCount;
        if (checkMetadataKey(key) !== undefined) {
          expect(simulator.requestCount).toBe(before);
          return;
        }

        simulator.setMetadata(PROJECT_ID, SERVER_ID, key, value);
        const result = await client.getMetadataKey({ ...ROLE_TARGET, key });
        simulator.deleteMetadata(PROJECT_ID, SERVER_ID, key);

        expect(result).toBe(value);
        expect(lastRequestPath(before)).toBe(`/v2.1/${PROJECT_ID}/servers/${SERVER_ID}/metadata/${encodeRfc3986(key)}`);
      }),
      { numRuns: 300 },
    );
  });

  it("sends any key the client accepts to that key's path alone", async () => {
    // The client's own guard, without the settings layer's checks: every key either reaches exactly
    // its own path or raises InvalidInputError before a request.
    await fc.assert(
      fc.asyncProperty(keyArbitrary, valueArbitrary, async (key, value) => {
        const before = simulator.requestCount;
        simulator.setMetadata(PROJECT_ID, SERVER_ID, key, value);

        let result: string | undefined;
        let error: unknown;
        try {
          result = await client.getMetadataKey({ ...ROLE_TARGET, key });
        } catch (caught) {
          error = caught;
        }
        simulator.deleteMetadata(PROJECT_ID, SERVER_ID, key);

        if (error !== undefined) {
          expect(error).toBeInstanceOf(InvalidInputError);
          expect(simulator.requestCount).toBe(before);
          return;
        }
        const path = lastRequestPath(before) ?? "";
        expect(result).toBe(value);
        expect(path.endsWith(`/metadata/${encodeRfc3986(key)}`)).toBe(true);
        expect(decodeURIComponent(path.split("/").pop() ?? "")).toBe(key);
      }),
      { numRuns: 300 },
    );
  });

  it("reads every pair of a server exactly", async () => {
    await fc.assert(
      fc.asyncProperty(fc.dictionary(keyArbitrary, valueArbitrary, { maxKeys: 8 }), async (pairs) => {
        const baseline = simulator.getMetadata(PROJECT_ID, SERVER_ID);
        const added = Object.entries(pairs).filter(([key]) => !(key in baseline));
        for (const [key, value] of added) {
          simulator.setMetadata(PROJECT_ID, SERVER_ID, key, value);
        }

        const result = await client.getAllMetadata(ROLE_TARGET);
        for (const [key] of added) {
          simulator.deleteMetadata(PROJECT_ID, SERVER_ID, key);
        }

        expect({ ...result }).toEqual({ ...baseline, ...Object.fromEntries(added) });
      }),
      { numRuns: 100 },
    );
  });
});
