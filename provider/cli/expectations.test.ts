import path from "node:path";

import { ExpectationsFileError, loadExpectationsFile, parseExpectations } from "./expectations";

const WEB_ID = "6f0e2a3b-4c5d-4e6f-8a9b-0c1d2e3f4a5b";
const PROJECT_A = "0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e";
const PROJECT_B = "1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f";
const DIGEST = "a".repeat(64);

function problemsOf(text: string, fileName = "expectations.yaml"): readonly string[] {
  try {
    parseExpectations(text, fileName);
  } catch (error) {
    if (error instanceof ExpectationsFileError) {
      return error.problems;
    }
    throw error;
  }
  throw new Error("expected an ExpectationsFileError");
}

describe("parseExpectations", () => {
  it("merges defaults under per-server settings", () => {
    const { servers } = parseExpectations(
      `defaults: { projectId: ${PROJECT_A}, region: cn-north-4 }\nservers:\n  - { id: ${WEB_ID}, projectId: ${PROJECT_B}, keys: { role: web } }\n`,
      "e.yaml",
    );

    expect(servers[0].location).toEqual({ projectId: PROJECT_B, region: "cn-north-4" });
  });

  it("treats a digest as secret unless marked otherwise", () => {
    const { servers } = parseExpectations(
      `servers:\n  - id: ${WEB_ID}\n    keys:\n      a: { sha256: ${DIGEST.toUpperCase()} }\n      b: { sha256: ${DIGEST}, secret: false }\n`,
      "e.yaml",
    );

    expect(servers[0].keys).toEqual([
      { key: "a", sha256: DIGEST, secret: true },
      { key: "b", sha256: DIGEST, secret: false },
    ]);
  });

  it("keeps keys with spaces and colons", () => {
    const { servers } = parseExpectations(`servers: [{ id: ${WEB_ID}, keys: { "tier name": front, "app:env": prod } }]`, "e.yaml");

    expect(servers[0].keys.map((expectation) => expectation.key)).toEqual(["tier name", "app:env"]);
  });

  it("rejects another format version", () => {
    expect(problemsOf(`version: 2\nservers: [{ id: ${WEB_ID}, keys: {} }]`)).toEqual([
      "line 1, version: must be 1, the only format version this release reads.",
    ]);
  });

  it("rejects an empty server list", () => {
    expect(problemsOf("servers: []")).toEqual(["line 1, servers: is empty; list at least one server."]);
  });

  it("rejects both value and sha256", () => {
    expect(problemsOf(`servers:\n  - id: ${WEB_ID}\n    keys:\n      a: { value: x, sha256: ${DIGEST} }\n`)[0]).toMatch(/^line 4, servers\[0\]\.keys\.a: must have exactly one of value/);
  });

  it("rejects a short digest", () => {
    expect(problemsOf(`servers:\n  - id: ${WEB_ID}\n    keys:\n      a: { sha256: abc }\n`)[0]).toMatch(/^line 4, servers\[0\]\.keys\.a\.sha256: must be 64 hex digits/);
  });

  it("never quotes a value in a problem", () => {
    const problems = problemsOf(`servers:\n  - id: ${WEB_ID}\n    keys:\n      a: { value: [hidden-value], secret: true }\n`);

    expect(problems.join("\n")).not.toContain("hidden-value");
  });

  it("rejects a top level that is a list", () => {
    expect(problemsOf("- a\n- b\n")[0]).toMatch(/^line 1, \(top level\): must be a mapping/);
  });

  it("accepts strict JSON in a .json file", () => {
    const { servers } = parseExpectations(JSON.stringify({ servers: [{ id: WEB_ID, keys: { role: "web" } }] }), "e.json");

    expect(servers[0].keys).toEqual([{ key: "role", value: "web", secret: false }]);
  });

  it("rejects YAML in a .json file", () => {
    expect(problemsOf(`servers: [{ id: ${WEB_ID}, keys: {} }]`, "e.json")[0]).toContain("is not valid JSON");
  });

  it("accepts the drift-check example", () => {
    const { servers } = loadExpectationsFile(path.resolve(__dirname, "../../examples/drift-check/ecs-metadata/expectations.yaml"));

    expect(servers.map((server) => server.name)).toEqual(["web-1", "db-1", "edge-1"]);
  });
});
