import { readFileSync } from "node:fs";

import { readFaultRules, type FaultRule } from "./faultRules";
import { findDuplicateJsonKey } from "../client/jsonDuplicateKeys";
import { describeDuplicateKey, describeJsonSyntaxError } from "./jsonSyntaxError";
import {
  MAX_METADATA_ITEMS,
  SERVER_STATUSES,
  describeJsonType,
  findMetadataPairProblem,
  isServerStatus,
  type ServerStatus,
} from "./metadataRules";

/** AK/SK credential that the simulator accepts. */
export interface SimulatorCredential {
  /** Access key id, sent in the clear in `Authorization`. */
  readonly accessKey: string;
  /** Secret key that signs requests of this access key. */
  readonly secretKey: string;
  /** Session token of temporary credentials; when set, requests must send and sign it as `X-Security-Token`. */
  readonly securityToken?: string;
}

/** ECS server with its metadata. */
export interface SimulatorServer {
  /** Server id, a UUID on Huawei Cloud. */
  readonly id: string;
  /** Display name; empty when the data file gives none. */
  readonly name: string;
  /** Nova status; `ACTIVE` when the data file gives none. */
  readonly status: ServerStatus;
  /** Metadata pairs; empty when the data file gives none. */
  readonly metadata: Readonly<Record<string, string>>;
}

/** Project and the servers in it. */
export interface SimulatorProject {
  /** Project id, 32 hex digits on Huawei Cloud. */
  readonly id: string;
  /** Region name such as `cn-north-4`; the simulator serves every project whatever its region. */
  readonly region: string;
  /** Servers of the project. */
  readonly servers: readonly SimulatorServer[];
}

/** Validated content of a simulator data file. */
export interface SimulatorData {
  /** Credentials that the simulator accepts. */
  readonly credentials: readonly SimulatorCredential[];
  /** Projects that the simulator serves. */
  readonly projects: readonly SimulatorProject[];
  /** Fault rules active from the start; none when absent. */
  readonly faults?: readonly FaultRule[];
}

/** Error raised for a data file that cannot be read, is not JSON, or fails validation. */
export class SimulatorDataError extends Error {
  /** File name or other label of the data, as given to the loader. */
  readonly sourceName: string;
  /** One entry per problem, each starting with the path of the bad entry. */
  readonly problems: readonly string[];

  constructor(sourceName: string, problems: readonly string[]) {
    super(`Invalid simulator data in ${sourceName}:\n${problems.map((problem) => `  ${problem}`).join("\n")}`);
    this.name = "SimulatorDataError";
    this.sourceName = sourceName;
    this.problems = problems;
  }
}

/**
 * Reads and validates a simulator data file. The read is synchronous, because the file is read once
 * at start-up.
 *
 * @throws {@link SimulatorDataError} naming the file when it cannot be read, is not JSON or is invalid.
 */
export function loadSimulatorData(filePath: string): SimulatorData {
  let text: string;
  try {
    text = readFileSync(filePath, "utf8");
  } catch (error) {
    throw new SimulatorDataError(filePath, [`cannot read the file: ${(error as Error).message}`]);
  }
  return parseSimulatorData(text, filePath);
}

/**
 * Validates simulator data given as JSON text or as an already parsed value, and returns a copy
 * with defaults filled in. All problems are collected before throwing, each with the path of the
 * bad entry, such as `projects[0].servers[2].metadata.role: value must be a string`.
 *
 * @param sourceName - File name or other label that error messages name.
 * @throws {@link SimulatorDataError} when the text is not JSON, names a key twice in one object, or the data is invalid.
 */
export function parseSimulatorData(json: string | object, sourceName: string): SimulatorData {
  const document = typeof json === "string" ? parseJsonText(json, sourceName) : json;

  const problems: string[] = [];
  const data = readData(document, problems);
  if (problems.length > 0 || data === undefined) {
    throw new SimulatorDataError(sourceName, problems);
  }
  return data;
}

/**
 * Parses the text of a data file. A leading UTF-8 byte order mark, which some Windows editors write,
 * is dropped as RFC 8259 section 8.1 lets a parser do. A duplicate key is rejected, because
 * `JSON.parse` would silently keep only the last value.
 */
function parseJsonText(text: string, sourceName: string): unknown {
  const json = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;

  let document: unknown;
  try {
    document = JSON.parse(json);
  } catch (error) {
    throw new SimulatorDataError(sourceName, [`invalid JSON: ${describeJsonSyntaxError(error)}`]);
  }

  const duplicate = findDuplicateJsonKey(json);
  if (duplicate !== undefined) {
    throw new SimulatorDataError(sourceName, [describeDuplicateKey(duplicate)]);
  }
  return document;
}

type Problems = string[];

function readData(document: unknown, problems: Problems): SimulatorData | undefined {
  const root = readObject(document, "", ["credentials", "projects", "faults"], problems);
  if (root === undefined) {
    return undefined;
  }

  const credentials = readArray(root.credentials, "credentials", problems).map((entry, index) =>
    readCredential(entry, `credentials[${index}]`, problems),
  );
  reportDuplicates(
    credentials.map((credential) => credential?.accessKey),
    (index) => `credentials[${index}].accessKey`,
    "access key id",
    problems,
  );

  const projects = readArray(root.projects, "projects", problems).map((entry, index) =>
    readProject(entry, `projects[${index}]`, problems),
  );
  reportDuplicates(
    projects.map((project) => project?.id),
    (index) => `projects[${index}].id`,
    "project id",
    problems,
  );

  const serverIds: (string | undefined)[] = [];
  const serverPaths: string[] = [];
  projects.forEach((project, projectIndex) => {
    project?.servers.forEach((server, serverIndex) => {
      serverIds.push(server?.id);
      serverPaths.push(`projects[${projectIndex}].servers[${serverIndex}].id`);
    });
  });
  reportDuplicates(serverIds, (index) => serverPaths[index], "server id", problems);

  const faults = root.faults === undefined ? undefined : readFaultRules(root.faults, "faults", problems);

  if (problems.length > 0) {
    return undefined;
  }
  return {
    credentials: credentials as SimulatorCredential[],
    projects: projects as SimulatorProject[],
    ...(faults === undefined ? {} : { faults }),
  };
}

function readCredential(value: unknown, path: string, problems: Problems): SimulatorCredential | undefined {
  const entry = readObject(value, path, ["accessKey", "secretKey", "securityToken"], problems);
  if (entry === undefined) {
    return undefined;
  }

  const accessKey = readNonEmptyString(entry.accessKey, `${path}.accessKey`, problems);
  const secretKey = readNonEmptyString(entry.secretKey, `${path}.secretKey`, problems);
  const securityToken =
    entry.securityToken === undefined
      ? undefined
      : readNonEmptyString(entry.securityToken, `${path}.securityToken`, problems);

  if (accessKey === undefined || secretKey === undefined) {
    return undefined;
  }
  return securityToken === undefined ? { accessKey, secretKey } : { accessKey, secretKey, securityToken };
}

function readProject(value: unknown, path: string, problems: Problems): SimulatorProject | undefined {
  const entry = readObject(value, path, ["id", "region", "servers"], problems);
  if (entry === undefined) {
    return undefined;
  }

  const id = readNonEmptyString(entry.id, `${path}.id`, problems);
  const region = readNonEmptyString(entry.region, `${path}.region`, problems);
  const servers = readArray(entry.servers, `${path}.servers`, problems).map((server, index) =>
    readServer(server, `${path}.servers[${index}]`, problems),
  );

  if (id === undefined || region === undefined || servers.includes(undefined)) {
    return undefined;
  }
  return { id, region, servers: servers as SimulatorServer[] };
}

function readServer(value: unknown, path: string, problems: Problems): SimulatorServer | undefined {
  const entry = readObject(value, path, ["id", "name", "status", "metadata"], problems);
  if (entry === undefined) {
    return undefined;
  }

  const id = readNonEmptyString(entry.id, `${path}.id`, problems);
  const name = entry.name === undefined ? "" : readString(entry.name, `${path}.name`, problems);
  const status = entry.status === undefined ? "ACTIVE" : readStatus(entry.status, `${path}.status`, problems);
  const metadata = entry.metadata === undefined ? {} : readMetadata(entry.metadata, `${path}.metadata`, problems);

  if (id === undefined || name === undefined || status === undefined || metadata === undefined) {
    return undefined;
  }
  return { id, name, status, metadata };
}

function readStatus(value: unknown, path: string, problems: Problems): ServerStatus | undefined {
  const status = readString(value, path, problems);
  if (status === undefined) {
    return undefined;
  }
  if (!isServerStatus(status)) {
    problems.push(`${path}: status ${JSON.stringify(status)} is not a Nova server status; use one of ${SERVER_STATUSES.join(", ")}`);
    return undefined;
  }
  return status;
}

function readMetadata(value: unknown, path: string, problems: Problems): Record<string, string> | undefined {
  if (!isPlainObject(value)) {
    problems.push(`${path}: must be an object of string values, not ${describeJsonType(value)}`);
    return undefined;
  }

  const entries = Object.entries(value);
  let valid = true;
  for (const [key, pairValue] of entries) {
    const problem = findMetadataPairProblem(key, pairValue);
    if (problem !== undefined) {
      problems.push(`${path}${formatKeyPath(key)}: ${problem}`);
      valid = false;
    }
  }
  if (entries.length > MAX_METADATA_ITEMS) {
    problems.push(`${path}: has ${entries.length} pairs; the maximum per server is ${MAX_METADATA_ITEMS}`);
    valid = false;
  }

  // Object.fromEntries defines own properties, so a key such as "__proto__" stays an ordinary key.
  return valid ? Object.fromEntries(entries as [string, string][]) : undefined;
}

function readObject<K extends string>(
  value: unknown,
  path: string,
  allowedFields: readonly K[],
  problems: Problems,
): Partial<Record<K, unknown>> | undefined {
  if (!isPlainObject(value)) {
    problems.push(`${path || "(root)"}: must be an object, not ${describeJsonType(value)}`);
    return undefined;
  }

  const unknownFields = Object.keys(value).filter((field) => !(allowedFields as readonly string[]).includes(field));
  for (const field of unknownFields) {
    const fieldPath = path === "" ? field : `${path}${formatKeyPath(field)}`;
    problems.push(`${fieldPath}: unknown field; the fields of this entry are ${allowedFields.join(", ")}`);
  }
  return value as Partial<Record<K, unknown>>;
}

function readArray(value: unknown, path: string, problems: Problems): unknown[] {
  if (value === undefined) {
    problems.push(`${path}: missing; add an array`);
    return [];
  }
  if (!Array.isArray(value)) {
    problems.push(`${path}: must be an array, not ${describeJsonType(value)}`);
    return [];
  }
  return value;
}

function readString(value: unknown, path: string, problems: Problems): string | undefined {
  if (value === undefined) {
    problems.push(`${path}: missing; add a string`);
    return undefined;
  }
  if (typeof value !== "string") {
    problems.push(`${path}: must be a string, not ${describeJsonType(value)}`);
    return undefined;
  }
  return value;
}

function readNonEmptyString(value: unknown, path: string, problems: Problems): string | undefined {
  const text = readString(value, path, problems);
  if (text === "") {
    problems.push(`${path}: must not be empty`);
    return undefined;
  }
  return text;
}

function reportDuplicates(
  values: readonly (string | undefined)[],
  pathOf: (index: number) => string,
  label: string,
  problems: Problems,
): void {
  const firstIndex = new Map<string, number>();
  values.forEach((value, index) => {
    if (value === undefined) {
      return;
    }

    const earlier = firstIndex.get(value);
    if (earlier === undefined) {
      firstIndex.set(value, index);
    } else {
      problems.push(`${pathOf(index)}: ${label} ${JSON.stringify(value)} is already used by ${pathOf(earlier)}`);
    }
  });
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Formats a field or metadata key as a path step: `.role` for a plain name, `["tier name"]` otherwise. */
function formatKeyPath(key: string): string {
  return /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(key) ? `.${key}` : `[${JSON.stringify(key)}]`;
}
