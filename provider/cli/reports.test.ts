import { compareMetadata, sha256Hex } from "./compare";
import { mapWithConcurrency } from "./concurrency";
import { ServerExpectation } from "./expectations";
import { renderCheckReport } from "./reports";

const SERVER: ServerExpectation = {
  id: "6f0e2a3b-4c5d-4e6f-8a9b-0c1d2e3f4a5b",
  name: "web <1>",
  location: {},
  keys: [
    { key: "motd", value: "a | b `c`", secret: false },
    { key: "token", sha256: sha256Hex("right"), secret: true },
    { key: "checksum", sha256: sha256Hex("v1"), secret: false },
  ],
};

describe("compareMetadata", () => {
  it("matches a digest of the live value", () => {
    const result = compareMetadata(SERVER, { motd: "a | b `c`", token: "right", checksum: "v1" }, false);

    expect(result.status).toBe("match");
  });

  it("reports a changed digest without the secret value", () => {
    const result = compareMetadata(SERVER, { motd: "a | b `c`", token: "wrong", checksum: "v2" }, false);

    expect(result.status).toBe("drift");
    expect(result.status === "drift" ? result.differences : []).toEqual([
      { key: "token", kind: "changed", secret: true },
      { key: "checksum", kind: "changed", secret: false, expectedSha256: sha256Hex("v1"), actual: "v2" },
    ]);
  });

  it("ignores a key named like an Object prototype member", () => {
    const result = compareMetadata({ ...SERVER, keys: [{ key: "constructor", value: "x", secret: false }] }, {}, false);

    expect(result.status).toBe("drift");
    expect(result.status === "drift" ? result.differences.map((difference) => difference.kind) : []).toEqual(["missing"]);
  });
});

describe("renderCheckReport", () => {
  it("keeps pipes and backticks inside Markdown table cells", () => {
    const result = compareMetadata(SERVER, { motd: "x|y", token: "right", checksum: "v1" }, false);
    const markdown = renderCheckReport([result], "markdown");

    expect(markdown).toContain('| web \\<1\\> `6f0e2a3b-4c5d-4e6f-8a9b-0c1d2e3f4a5b` | `motd` | changed | ``"a \\| b `c`"`` | `"x\\|y"` |');
  });
});

describe("mapWithConcurrency", () => {
  it("keeps at most the limit in flight and the order of results", async () => {
    let inFlight = 0;
    let maxInFlight = 0;
    const results = await mapWithConcurrency([5, 1, 4, 2, 3, 0], 2, async (delay, index) => {
      inFlight += 1;
      maxInFlight = Math.max(maxInFlight, inFlight);
      await new Promise((resolve) => setTimeout(resolve, delay));
      inFlight -= 1;
      return index;
    });

    expect(maxInFlight).toBe(2);
    expect(results).toEqual([0, 1, 2, 3, 4, 5]);
  });
});
