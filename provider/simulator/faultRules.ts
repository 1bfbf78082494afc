import { validateHeaderName, validateHeaderValue } from "node:http";

import { describeJsonType } from "./metadataRules";

/** Requests a fault rule applies to; every field that is set must match, and an empty match takes every API request. */
export interface FaultMatch {
  /** HTTP method, such as `GET`. */
  readonly method?: string;
  /** `v2` or `v2.1`. */
  readonly apiVersion?: string;
  /** `item` for `.../metadata/{key}`, `collection` for `.../metadata`. */
  readonly route?: "item" | "collection";
  /** Project id, percent-decoded. */
  readonly projectId?: string;
  /** Server id, percent-decoded. */
  readonly serverId?: string;
  /** Metadata key, percent-decoded; matches only `item` requests. */
  readonly key?: string;
}

/** Action of a fault step. */
export type FaultAction = "respond" | "reset" | "truncate" | "pass";

/** The fault actions, in the order the README lists them. */
export const FAULT_ACTIONS: readonly FaultAction[] = ["respond", "reset", "truncate", "pass"];

/** One scripted reaction to a request. */
export interface FaultStep {
  /**
   * Action: `respond` sends `status`, `headers` and `body` in place of the real response, and `reset`
   * closes the connection without a response. `truncate` sends the real response's status, headers
   * and full `Content-Length` but only `bytes` of its body, then closes the connection. `pass` serves
   * the request normally, after `delayMs`.
   */
  readonly action: FaultAction;
  /** Status of a `respond` step, from 100 to 599. */
  readonly status?: number;
  /** Body of a `respond` step: a string is sent as is (as `text/html` unless `headers` sets `Content-Type`), anything else as JSON. */
  readonly body?: unknown;
  /** Extra headers of a `respond` step, such as `Retry-After`. */
  readonly headers?: Readonly<Record<string, string>>;
  /** Wait before acting, in milliseconds; 0 when absent. */
  readonly delayMs?: number;
  /** Body bytes a `truncate` step sends before closing; half the body when absent. */
  readonly bytes?: number;
  /** Number of matching requests this step applies to before the next step; 1 when absent. */
  readonly times?: number;
}

/** Scripted faults for the requests that match, one step per request in order. */
export interface FaultRule {
  /** Label in the request record and the log; `fault <index>` when absent. */
  readonly name?: string;
  /** Requests the rule applies to; every API request when absent. */
  readonly match?: FaultMatch;
  /** Steps applied to successive matching requests. */
  readonly steps: readonly FaultStep[];
  /** Whether the steps start over after the last one; when false (the default) the rule then lets requests pass. */
  readonly repeat?: boolean;
  /**
   * Chance from 0 to 1 that a matching request gets the rule's next step; 1 when absent. A request
   * the rule skips goes on to the next rule.
   */
  readonly probability?: number;
}

const MATCH_FIELDS = ["method", "apiVersion", "route", "projectId", "serverId", "key"] as const;
const STEP_FIELDS = ["action", "status", "body", "headers", "delayMs", "bytes", "times"] as const;
const RULE_FIELDS = ["name", "match", "steps", "repeat", "probability"] as const;

/** Longest `delayMs` a step may have, in milliseconds, so a typo cannot hang a test run for hours. */
export const MAX_FAULT_DELAY_MS = 600_000;

/**
 * Validates fault rules given as parsed JSON, pushing one problem per bad entry (each starting with
 * its path, such as `faults[0].steps[1].status`) onto `problems`. Returns the rules when there were none.
 */
export function readFaultRules(value: unknown, path: string, problems: string[]): FaultRule[] | undefined {
  if (!Array.isArray(value)) {
    problems.push(`${path}: must be an array of fault rules, not ${describeJsonType(value)}`);
    return undefined;
  }

  const before = problems.length;
  const rules = value.map((entry, index) => readRule(entry, `${path}[${index}]`, problems));
  return problems.length === before ? (rules as FaultRule[]) : undefined;
}

function readRule(value: unknown, path: string, problems: string[]): FaultRule | undefined {
  const entry = readObject(value, path, RULE_FIELDS, problems);
  if (entry === undefined) {
    return undefined;
  }

  if (entry.name !== undefined && typeof entry.name !== "string") {
    problems.push(`${path}.name: must be a string, not ${describeJsonType(entry.name)}`);
  }
  if (entry.repeat !== undefined && typeof entry.repeat !== "boolean") {
    problems.push(`${path}.repeat: must be true or false, not ${describeJsonType(entry.repeat)}`);
  }
  if (entry.probability !== undefined && (typeof entry.probability !== "number" || !(entry.probability >= 0 && entry.probability <= 1))) {
    problems.push(`${path}.probability: must be a number from 0 to 1, not ${JSON.stringify(entry.probability)}`);
  }
  if (entry.match !== undefined) {
    readMatch(entry.match, `${path}.match`, problems);
  }
  if (!Array.isArray(entry.steps) || entry.steps.length === 0) {
    problems.push(`${path}.steps: must be a non-empty array of steps`);
  } else {
    entry.steps.forEach((step, index) => readStep(step, `${path}.steps[${index}]`, problems));
  }
  return entry as unknown as FaultRule;
}

function readMatch(value: unknown, path: string, problems: string[]): void {
  const entry = readObject(value, path, MATCH_FIELDS, problems);
  if (entry === undefined) {
    return;
  }
  for (const field of MATCH_FIELDS) {
    if (entry[field] !== undefined && typeof entry[field] !== "string") {
      problems.push(`${path}.${field}: must be a string, not ${describeJsonType(entry[field])}`);
    }
  }
  if (entry.route !== undefined && entry.route !== "item" && entry.route !== "collection") {
    problems.push(`${path}.route: must be "item" or "collection", not ${JSON.stringify(entry.route)}`);
  }
}

function readStep(value: unknown, path: string, problems: string[]): void {
  const entry = readObject(value, path, STEP_FIELDS, problems);
  if (entry === undefined) {
    return;
  }

  if (!FAULT_ACTIONS.includes(entry.action as FaultAction)) {
    problems.push(`${path}.action: must be one of ${FAULT_ACTIONS.join(", ")}, not ${JSON.stringify(entry.action)}`);
    return;
  }
  if (entry.action === "respond") {
    if (!Number.isInteger(entry.status) || (entry.status as number) < 100 || (entry.status as number) > 599) {
      problems.push(`${path}.status: a respond step needs a whole-number status from 100 to 599, not ${JSON.stringify(entry.status)}`);
    }
  } else {
    for (const field of ["status", "body", "headers"] as const) {
      if (entry[field] !== undefined) {
        problems.push(`${path}.${field}: only a respond step takes ${field}`);
      }
    }
  }
  if (entry.bytes !== undefined && entry.action !== "truncate") {
    problems.push(`${path}.bytes: only a truncate step takes bytes`);
  }

  if (entry.headers !== undefined) {
    checkHeaders(entry.headers, `${path}.headers`, problems);
  }
  checkWholeNumber(entry.delayMs, `${path}.delayMs`, 0, MAX_FAULT_DELAY_MS, problems);
  checkWholeNumber(entry.bytes, `${path}.bytes`, 0, Number.MAX_SAFE_INTEGER, problems);
  checkWholeNumber(entry.times, `${path}.times`, 1, Number.MAX_SAFE_INTEGER, problems);
}

/**
 * Checks that Node can send every header, so a bad rule is rejected when it is added and not when a
 * request matches it. Problems name the header but never quote its value.
 */
function checkHeaders(headers: unknown, path: string, problems: string[]): void {
  if (typeof headers !== "object" || headers === null || Array.isArray(headers) || Object.values(headers).some((header) => typeof header !== "string")) {
    problems.push(`${path}: must be an object of string values`);
    return;
  }

  for (const [name, value] of Object.entries(headers as Record<string, string>)) {
    const headerPath = `${path}[${JSON.stringify(name)}]`;
    try {
      validateHeaderName(name);
    } catch {
      problems.push(`${headerPath}: invalid header name; use letters, digits and !#$%&'*+-.^_\`|~ only, with no space or colon`);
      continue;
    }
    try {
      validateHeaderValue(name, value);
    } catch {
      problems.push(`${headerPath}: invalid header value; a value must not contain CR, LF, another control character except tab, or a character outside Latin-1`);
    }
  }
}

function checkWholeNumber(value: unknown, path: string, min: number, max: number, problems: string[]): void {
  if (value !== undefined && (!Number.isInteger(value) || (value as number) < min || (value as number) > max)) {
    problems.push(`${path}: must be a whole number from ${min} to ${max}, not ${JSON.stringify(value)}`);
  }
}

function readObject<K extends string>(value: unknown, path: string, fields: readonly K[], problems: string[]): Partial<Record<K, unknown>> | undefined {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    problems.push(`${path}: must be an object, not ${describeJsonType(value)}`);
    return undefined;
  }
  for (const field of Object.keys(value)) {
    if (!(fields as readonly string[]).includes(field)) {
      problems.push(`${path}.${field}: unknown field; the fields of this entry are ${fields.join(", ")}`);
    }
  }
  return value as Partial<Record<K, unknown>>;
}
