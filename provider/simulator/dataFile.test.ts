import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { SimulatorDataError, loadSimulatorData, parseSimulatorData } from "./index";

const FIXTURES = `${__dirname}/../../test/fixtures/simulator`;

const CREDENTIAL = { accessKey: "AK1", secretKey: "SK1" };

function dataWithServer(server: object) {
  return { credentials: [CREDENTIAL], projects: [{ id: "p1", region: "cn-north-4", servers: [server] }] };
}

function problemsOf(document: string | object): readonly string[] {
  try {
    parseSimulatorData(document, "inline.json");
  } catch (error) {
    if (error instanceof SimulatorDataError) {
      return error.problems;
    }
    throw error;
  }
  throw new Error("parseSimulatorData accepted invalid data");
}

describe("loadSimulatorData", () => {
  it("loads the test data file", () => {
    const data = loadSimulatorData(`${FIXTURES}/data.json`);

    expect(data.projects[0].servers[0].metadata).toEqual({ role: "web", "tier name": "front", "app:env": "prod" });
  });

  it("fills in the default status", () => {
    const data = loadSimulatorData(`${FIXTURES}/data.json`);

    expect(data.projects[1].servers[0].status).toBe("ACTIVE");
  });

  it("names the file and the path of a bad metadata value", () => {
    const filePath = `${FIXTURES}/invalid-metadata-value.json`;

    expect(() => loadSimulatorData(filePath)).toThrow(
      `Invalid simulator data in ${filePath}:\n  projects[0].servers[2].metadata.role: value must be a string, not a number`,
    );
  });

  it("names the file that is not JSON", () => {
    const filePath = `${FIXTURES}/not-json.json`;

    expect(() => loadSimulatorData(filePath)).toThrow(`Invalid simulator data in ${filePath}:\n  invalid JSON`);
  });

  it("names a file that does not exist", () => {
    const filePath = `${FIXTURES}/missing.json`;

    expect(() => loadSimulatorData(filePath)).toThrow(`${filePath}:\n  cannot read the file`);
  });
});

describe("parseSimulatorData", () => {
  it("accepts JSON text", () => {
    const data = parseSimulatorData(JSON.stringify(dataWithServer({ id: "s1" })), "inline.json");

    expect(data.projects[0].servers[0]).toEqual({ id: "s1", name: "", status: "ACTIVE", metadata: {} });
  });

  it("keeps an optional security token", () => {
    const data = parseSimulatorData(
      {
        credentials: [{ ...CREDENTIAL, securityToken: "token" }],
        projects: [{ id: "p1", region: "cn-north-4", servers: [] }],
      },
      "inline.json",
    );

    expect(data.credentials[0].securityToken).toBe("token");
  });

  it("keeps __proto__ as an ordinary metadata key", () => {
    const data = parseSimulatorData('{"credentials": [], "projects": [{"id": "p1", "region": "r1", "servers": [{"id": "s1", "metadata": {"__proto__": "x"}}]}]}', "inline.json");

    expect(Object.keys(data.projects[0].servers[0].metadata)).toEqual(["__proto__"]);
  });

  it("leaves text near a JSON syntax error out", () => {
    const text = '{"credentials": [{"accessKey": "AK1", "secretKey": s3cr3t-value}]}';

    const problems = problemsOf(text);

    expect(problems[0]).toContain("invalid JSON");
    expect(problems[0]).not.toContain("s3cr3t");
  });

  it("names the source in the message", () => {
    expect(() => parseSimulatorData({ credentials: [] }, "my-data.json")).toThrow("Invalid simulator data in my-data.json");
  });

  it("collects every problem before throwing", () => {
    const problems = problemsOf({ credentials: [{ accessKey: "" }], projects: "none" });

    expect(problems).toEqual([
      "credentials[0].accessKey: must not be empty",
      "credentials[0].secretKey: missing; add a string",
      "projects: must be an array, not a string",
    ]);
  });

  it.each<[string, object, string]>([
    ["a root that is not an object", [], "(root): must be an object, not an array"],
    ["an unknown root field", { credentials: [], projects: [], extra: 1 }, "extra: unknown field; the fields of this entry are credentials, projects"],
    ["a missing projects list", { credentials: [] }, "projects: missing; add an array"],
    ["a project without a region", { credentials: [], projects: [{ id: "p1", servers: [] }] }, "projects[0].region: missing; add a string"],
    ["a secret key that is not a string", { credentials: [{ accessKey: "AK", secretKey: 5 }], projects: [] }, "credentials[0].secretKey: must be a string, not a number"],
    ["an empty security token", { credentials: [{ ...CREDENTIAL, securityToken: "" }], projects: [] }, "credentials[0].securityToken: must not be empty"],
    [
      "a repeated access key id",
      { credentials: [CREDENTIAL, CREDENTIAL], projects: [] },
      'credentials[1].accessKey: access key id "AK1" is already used by credentials[0].accessKey',
    ],
    [
      "a repeated project id",
      { credentials: [], projects: [{ id: "p1", region: "r1", servers: [] }, { id: "p1", region: "r1", servers: [] }] },
      'projects[1].id: project id "p1" is already used by projects[0].id',
    ],
    [
      "a server id repeated in another project",
      {
        credentials: [],
        projects: [
          { id: "p1", region: "r1", servers: [{ id: "s1" }] },
          { id: "p2", region: "r1", servers: [{ id: "s1" }] },
        ],
      },
      'projects[1].servers[0].id: server id "s1" is already used by projects[0].servers[0].id',
    ],
    ["a missing server id", dataWithServer({ name: "web" }), "projects[0].servers[0].id: missing; add a string"],
    ["a misspelt server field", dataWithServer({ id: "s1", metdata: {} }), "projects[0].servers[0].metdata: unknown field; the fields of this entry are id, name, status, metadata"],
    ["an unknown status", dataWithServer({ id: "s1", status: "active" }), 'projects[0].servers[0].status: status "active" is not a Nova server status'],
    ["metadata that is an array", dataWithServer({ id: "s1", metadata: [] }), "projects[0].servers[0].metadata: must be an object of string values, not an array"],
    ["a metadata value that is null", dataWithServer({ id: "s1", metadata: { role: null } }), "projects[0].servers[0].metadata.role: value must be a string, not null"],
    [
      "a metadata key with a slash",
      dataWithServer({ id: "s1", metadata: { "a/b": "x" } }),
      'projects[0].servers[0].metadata["a/b"]: key must be 1 to 255 characters from A-Z a-z 0-9 - _ : . and space',
    ],
    [
      "a metadata value of 256 characters",
      dataWithServer({ id: "s1", metadata: { long: "v".repeat(256) } }),
      "projects[0].servers[0].metadata.long: value is 256 characters long; the maximum is 255",
    ],
    [
      "more than 128 metadata pairs",
      dataWithServer({ id: "s1", metadata: Object.fromEntries(Array.from({ length: 129 }, (_, index) => [`k${index}`, "v"])) }),
      "projects[0].servers[0].metadata: has 129 pairs; the maximum per server is 128",
    ],
  ])("rejects %s", (_case, document, expectedProblem) => {
    expect(problemsOf(document)[0]).toContain(expectedProblem);
  });
});

describe("data file encoding and duplicate keys", () => {
  const VALID_TEXT = JSON.stringify(dataWithServer({ id: "s1", metadata: { role: "web" } }));

  it("strips a leading byte order mark", () => {
    const data = parseSimulatorData(`\ufeff${VALID_TEXT}`, "inline.json");

    expect(data.projects[0].servers[0].metadata).toEqual({ role: "web" });
  });

  it("loads a file that starts with a byte order mark", () => {
    const directory = mkdtempSync(join(tmpdir(), "sim-bom-"));
    const filePath = join(directory, "data.json");
    writeFileSync(filePath, Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(VALID_TEXT, "utf8")]));

    try {
      expect(loadSimulatorData(filePath).projects[0].id).toBe("p1");
    } finally {
      rmSync(directory, { recursive: true, force: true });
    }
  });

  it("rejects a byte order mark after the start", () => {
    expect(problemsOf(` \ufeff${VALID_TEXT}`)[0]).toMatch(/^invalid JSON: /);
  });

  it("rejects a duplicate metadata key, naming its path", () => {
    const text = '{"credentials": [], "projects": [{"id": "p1", "region": "r", "servers": [{"id": "s1", "metadata": {"role": "a", "role": "b"}}]}]}';

    expect(problemsOf(text)).toEqual([
      'projects[].servers[].metadata: duplicate key "role"; JSON.parse would keep only the last value, so remove or rename one',
    ]);
  });

  it("rejects a duplicate top-level key", () => {
    const text = '{"credentials": [], "projects": [], "projects": []}';

    expect(problemsOf(text)).toEqual(['(root): duplicate key "projects"; JSON.parse would keep only the last value, so remove or rename one']);
  });

  it("rejects a duplicate key in a credential", () => {
    const text = '{"credentials": [{"accessKey": "AK1", "secretKey": "SK1", "secretKey": "SK2"}], "projects": []}';

    const problems = problemsOf(text);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain('credentials[]: duplicate key "secretKey"');
    expect(problems[0]).not.toContain("SK1");
  });

  it("accepts the same key in different objects", () => {
    const text = JSON.stringify({ credentials: [], projects: [{ id: "p1", region: "r", servers: [{ id: "s1" }, { id: "s2" }] }] });

    expect(parseSimulatorData(text, "inline.json").projects[0].servers).toHaveLength(2);
  });
});
