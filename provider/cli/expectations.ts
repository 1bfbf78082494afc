import { readFileSync } from "node:fs";
import { basename, extname } from "node:path";
import { LineCounter, isMap, isScalar, isSeq, parseDocument, type Node, type Pair, type YAMLMap } from "yaml";

import { ApiVersion } from "../client";
import { checkApiVersion, checkEndpoint, checkMetadataKey, checkProjectId, checkRegion, checkServerId } from "../settings";
import { ServerLocation } from "./metadataReader";

/** Version of the expectations file format that this release reads and writes. */
export const EXPECTATIONS_FORMAT_VERSION = 1;

/** Expected value of one metadata key: the value itself, or the SHA-256 digest of it. */
export interface KeyExpectation {
  readonly key: string;
  /** Expected value, when the file gives it in the clear. */
  readonly value?: string;
  /** Lower-case hex SHA-256 digest of the UTF-8 bytes of the expected value, when the file gives a digest. */
  readonly sha256?: string;
  /** Whether reports may show neither the expected nor the found value. */
  readonly secret: boolean;
}

/** Expected metadata of one server, with its location merged from the file's defaults. */
export interface ServerExpectation {
  readonly id: string;
  /** Label for reports; the file's `name`, if any. */
  readonly name?: string;
  readonly location: ServerLocation;
  readonly keys: readonly KeyExpectation[];
}

/** Contents of a valid expectations file. */
export interface Expectations {
  readonly servers: readonly ServerExpectation[];
}

/** Error for an expectations file that cannot be read or is invalid; the message lists every problem with its line and path. */
export class ExpectationsFileError extends Error {
  readonly fileName: string;
  readonly problems: readonly string[];

  constructor(fileName: string, problems: readonly string[]) {
    super(`Invalid expectations file ${fileName}:\n${problems.map((problem) => `  ${problem}`).join("\n")}`);
    this.name = "ExpectationsFileError";
    this.fileName = fileName;
    this.problems = problems;
  }
}

const TOP_LEVEL_FIELDS = ["version", "defaults", "servers"];
const LOCATION_FIELDS = ["projectId", "region", "endpoint", "apiVersion"];
const SERVER_FIELDS = ["id", "name", ...LOCATION_FIELDS, "keys"];
const KEY_FIELDS = ["value", "sha256", "secret"];
const SHA256_PATTERN = /^[0-9a-fA-F]{64}$/;

/** Reads and validates an expectations file; a `.json` file must be strict JSON, any other is read as YAML. */
export function loadExpectationsFile(path: string): Expectations {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? "error";
    throw new ExpectationsFileError(path, [`cannot be read (${code}); check the path and its permissions.`]);
  }
  return parseExpectations(text, path);
}

/**
 * Parses and validates the text of an expectations file, and reports every problem at once. Messages
 * name the line and the path of each bad entry, and never quote a value, because values may be secret.
 */
export function parseExpectations(text: string, fileName: string): Expectations {
  if (extname(fileName).toLowerCase() === ".json") {
    checkStrictJson(text, fileName);
  }

  const lineCounter = new LineCounter();
  const document = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  if (document.errors.length > 0) {
    const problems = document.errors.map((error) => {
      const { line, col } = lineCounter.linePos(error.pos[0]);
      // With prettyErrors off, yaml's messages quote no source text, which may hold secret values.
      return `line ${line}, column ${col}: ${error.message}`;
    });
    throw new ExpectationsFileError(fileName, problems);
  }

  const reader = new ExpectationsReader(lineCounter);
  const expectations = reader.readRoot(document.contents);
  if (reader.problems.length > 0) {
    const byLine = [...reader.problems].sort((a, b) => (a.line ?? 0) - (b.line ?? 0));
    throw new ExpectationsFileError(fileName, byLine.map((problem) => problem.text));
  }
  return expectations;
}

function checkStrictJson(text: string, fileName: string): void {
  try {
    JSON.parse(text);
  } catch (error) {
    // V8 quotes an excerpt of the input in some messages, and the input may hold secret values.
    const message = (error as Error).message.replace(/, (?:\.\.\.)?".*"(?:\.\.\.)? is not valid JSON$/s, "");
    throw new ExpectationsFileError(fileName, [`is not valid JSON: ${message}. ${basename(fileName)} ends in .json, so it must be strict JSON; rename it to .yaml for YAML.`]);
  }
}

/** Walks the parsed document and collects problems instead of stopping at the first one. */
class ExpectationsReader {
  readonly problems: { readonly line?: number; readonly text: string }[] = [];
  private readonly lineCounter: LineCounter;

  constructor(lineCounter: LineCounter) {
    this.lineCounter = lineCounter;
  }

  readRoot(root: unknown): Expectations {
    if (!isMap(root)) {
      this.report(root, "(top level)", 'must be a mapping with a "servers" list, such as "servers: [{id: ..., keys: {role: web}}]".');
      return { servers: [] };
    }
    this.checkFields(root, "", TOP_LEVEL_FIELDS);

    const version = root.get("version", true);
    if (version !== undefined && !(isScalar(version) && version.value === EXPECTATIONS_FORMAT_VERSION)) {
      this.report(version, "version", `must be ${EXPECTATIONS_FORMAT_VERSION}, the only format version this release reads.`);
    }

    const defaultsNode = root.get("defaults", true);
    let defaults: ServerLocation = {};
    if (defaultsNode !== undefined) {
      if (isMap(defaultsNode)) {
        this.checkFields(defaultsNode, "defaults", LOCATION_FIELDS);
        defaults = this.readLocation(defaultsNode, "defaults");
      } else {
        this.report(defaultsNode, "defaults", "must be a mapping of projectId, region, endpoint and apiVersion.");
      }
    }

    const serversNode = root.get("servers", true);
    if (!isSeq(serversNode)) {
      this.report(serversNode ?? root, "servers", "must be a list of servers, each with an id and keys.");
      return { servers: [] };
    }
    if (serversNode.items.length === 0) {
      this.report(serversNode, "servers", "is empty; list at least one server.");
    }

    const servers: ServerExpectation[] = [];
    const firstPathById = new Map<string, string>();
    serversNode.items.forEach((item, index) => {
      const path = `servers[${index}]`;
      const server = this.readServer(item, path, defaults);
      if (server === undefined) {
        return;
      }
      const earlier = firstPathById.get(server.id.toLowerCase());
      if (earlier !== undefined) {
        this.report(item, path, `lists server ${server.id} again (first at ${earlier}); merge the two entries.`);
        return;
      }
      firstPathById.set(server.id.toLowerCase(), path);
      servers.push(server);
    });
    return { servers };
  }

  private readServer(node: unknown, path: string, defaults: ServerLocation): ServerExpectation | undefined {
    if (!isMap(node)) {
      this.report(node, path, "must be a mapping with id and keys.");
      return undefined;
    }
    this.checkFields(node, path, SERVER_FIELDS);

    const id = this.readString(node, "id", path, true);
    if (id !== undefined) {
      this.reportIfInvalid(node.get("id", true), `${path}.id`, checkServerId(id));
    }
    const name = this.readString(node, "name", path, false);
    const location = { ...defaults, ...this.readLocation(node, path) };

    const keysNode = node.get("keys", true);
    let keys: KeyExpectation[] = [];
    if (keysNode === undefined) {
      this.report(node, `${path}.keys`, "is missing; give the expected metadata as a mapping of key to value, such as {role: web}.");
    } else if (!isMap(keysNode)) {
      this.report(keysNode, `${path}.keys`, "must be a mapping of metadata key to expected value.");
    } else {
      keys = this.readKeys(keysNode, `${path}.keys`);
    }

    if (id === undefined) {
      return undefined;
    }
    return { id, ...(name === undefined ? {} : { name }), location, keys };
  }

  private readKeys(node: YAMLMap, path: string): KeyExpectation[] {
    const keys: KeyExpectation[] = [];
    for (const pair of node.items as Pair<unknown, unknown>[]) {
      const keyNode = pair.key;
      if (!(isScalar(keyNode) && typeof keyNode.value === "string")) {
        this.report(keyNode, path, "has a key that is not a string; quote metadata keys that YAML reads as numbers or booleans.");
        continue;
      }
      const key = keyNode.value;
      const keyPath = `${path}${formatPathSegment(key)}`;
      const keyProblem = checkMetadataKey(key);
      if (keyProblem !== undefined) {
        this.report(keyNode, keyPath, keyProblem);
        continue;
      }
      const expectation = this.readKeyExpectation(key, pair.value, keyPath, keyNode);
      if (expectation !== undefined) {
        keys.push(expectation);
      }
    }
    return keys;
  }

  private readKeyExpectation(key: string, node: unknown, path: string, keyNode: Node): KeyExpectation | undefined {
    if (isScalar(node) && typeof node.value === "string") {
      return { key, value: node.value, secret: false };
    }
    if (!isMap(node)) {
      this.report(node ?? keyNode, path, `${describeNonString(node)}; give a string (quote values such as "8080", "true" or "1.10" so YAML keeps them as written) or a mapping with value or sha256.`);
      return undefined;
    }

    this.checkFields(node, path, KEY_FIELDS);
    const value = this.readString(node, "value", path, false);
    const sha256 = this.readString(node, "sha256", path, false);
    const secretNode = node.get("secret", true);
    if (secretNode !== undefined && !(isScalar(secretNode) && typeof secretNode.value === "boolean")) {
      this.report(secretNode, `${path}.secret`, "must be true or false.");
    }

    if ((value === undefined) === (sha256 === undefined)) {
      this.report(node, path, "must have exactly one of value (the expected value) and sha256 (the hex SHA-256 digest of it).");
      return undefined;
    }
    if (sha256 !== undefined && !SHA256_PATTERN.test(sha256)) {
      this.report(node.get("sha256", true), `${path}.sha256`, "must be 64 hex digits, such as the output of: printf %s VALUE | sha256sum");
      return undefined;
    }

    // A digest replaces a value that its author chose not to write down, so it is secret unless marked otherwise.
    const secret = isScalar(secretNode) && typeof secretNode.value === "boolean" ? secretNode.value : sha256 !== undefined;
    return sha256 !== undefined ? { key, sha256: sha256.toLowerCase(), secret } : { key, value, secret };
  }

  private readLocation(node: YAMLMap, path: string): ServerLocation {
    const projectId = this.readString(node, "projectId", path, false);
    const region = this.readString(node, "region", path, false);
    const endpointText = this.readString(node, "endpoint", path, false);
    const apiVersion = this.readString(node, "apiVersion", path, false);
    const endpoint = endpointText === undefined || /^[a-zA-Z][a-zA-Z0-9+.-]*:\/\//.test(endpointText) ? endpointText : `https://${endpointText}`;

    if (projectId !== undefined) {
      this.reportIfInvalid(node.get("projectId", true), `${path}.projectId`, checkProjectId(projectId, "projectId"));
    }
    if (region !== undefined) {
      this.reportIfInvalid(node.get("region", true), `${path}.region`, checkRegion(region, "region"));
    }
    if (endpoint !== undefined) {
      this.reportIfInvalid(node.get("endpoint", true), `${path}.endpoint`, checkEndpoint(endpoint, "endpoint"));
    }
    if (apiVersion !== undefined) {
      this.reportIfInvalid(node.get("apiVersion", true), `${path}.apiVersion`, checkApiVersion(apiVersion));
    }

    const location: { -readonly [K in keyof ServerLocation]: ServerLocation[K] } = {};
    if (projectId !== undefined) location.projectId = projectId;
    if (region !== undefined) location.region = region;
    if (endpoint !== undefined) location.endpoint = endpoint;
    if (apiVersion !== undefined) location.apiVersion = apiVersion as ApiVersion;
    return location;
  }

  private readString(node: YAMLMap, field: string, path: string, required: boolean): string | undefined {
    const valueNode = node.get(field, true);
    const fieldPath = `${path}${path === "" ? field : `.${field}`}`;
    if (valueNode === undefined) {
      if (required) {
        this.report(node, fieldPath, "is missing.");
      }
      return undefined;
    }
    if (isScalar(valueNode) && typeof valueNode.value === "string" && valueNode.value !== "") {
      return valueNode.value;
    }
    this.report(valueNode, fieldPath, `${describeNonString(valueNode)}; give a non-empty string.`);
    return undefined;
  }

  private checkFields(node: YAMLMap, path: string, allowed: readonly string[]): void {
    for (const pair of node.items as Pair<unknown, unknown>[]) {
      const name = isScalar(pair.key) ? pair.key.value : undefined;
      if (typeof name !== "string" || !allowed.includes(name)) {
        const fieldText = typeof name === "string" ? `"${name}"` : "a non-string key";
        this.report(pair.key, path === "" ? "(top level)" : path, `has the unknown field ${fieldText}; the fields allowed here are ${allowed.join(", ")}.`);
      }
    }
  }

  private reportIfInvalid(node: unknown, path: string, reason: string | undefined): void {
    if (reason !== undefined) {
      this.report(node, path, reason);
    }
  }

  private report(node: unknown, path: string, message: string): void {
    const line = this.lineOf(node);
    this.problems.push({ line, text: `${line === undefined ? "" : `line ${line}, `}${path}: ${message}` });
  }

  private lineOf(node: unknown): number | undefined {
    const range = (node as Node | null | undefined)?.range;
    return range === undefined || range === null ? undefined : this.lineCounter.linePos(range[0]).line;
  }
}

/** Formats a map key as a path segment: `.role`, or `["tier name"]` for a key that is not a plain word. */
export function formatPathSegment(key: string): string {
  return /^[A-Za-z_][A-Za-z0-9_-]*$/.test(key) ? `.${key}` : `[${JSON.stringify(key)}]`;
}

function describeNonString(node: unknown): string {
  if (node === null || node === undefined || (isScalar(node) && node.value === null)) {
    return "is empty";
  }
  if (isScalar(node)) {
    return `is a ${typeof node.value}, not a string`;
  }
  return isSeq(node) ? "is a list, not a string" : "is a mapping, not a string";
}
