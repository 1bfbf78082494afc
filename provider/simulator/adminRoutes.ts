import { findDuplicateJsonKey } from "../client/jsonDuplicateKeys";
import type { FaultInjector } from "./faultInjector";
import { readFaultRules } from "./faultRules";
import { describeDuplicateKey, describeJsonSyntaxError } from "./jsonSyntaxError";

/** Path prefix of the simulator's own admin calls, which no ECS path starts with. */
export const ADMIN_PATH_PREFIX = "/_admin/";

/** Path of the fault rules admin call. */
export const ADMIN_FAULTS_PATH = "/_admin/faults";

/** Response of an admin call; always JSON. */
export interface AdminResponse {
  readonly status: number;
  readonly body?: unknown;
  readonly headers?: Readonly<Record<string, string>>;
}

const LOOPBACK_ADDRESSES = new Set(["127.0.0.1", "::1", "::ffff:127.0.0.1"]);

/** Returns whether a peer address is the local machine's loopback address. */
export function isLoopbackAddress(address: string | undefined): boolean {
  return address !== undefined && LOOPBACK_ADDRESSES.has(address);
}

/**
 * Serves the admin calls on {@link ADMIN_FAULTS_PATH}, from loopback peers only:
 * `GET` lists the rules with their progress, `POST` adds rules (`{"faults": [...]}`), and `DELETE`
 * removes them all. Admin calls need no signature, are never faulted and are not recorded.
 */
export function handleAdminRequest(faults: FaultInjector, method: string, rawPath: string, body: Uint8Array, peerAddress: string | undefined): AdminResponse {
  if (!isLoopbackAddress(peerAddress)) {
    return { status: 403, body: { error: `Admin calls are served only to loopback clients, not to ${peerAddress ?? "an unknown address"}.` } };
  }
  if (rawPath !== ADMIN_FAULTS_PATH) {
    return { status: 404, body: { error: `No admin call at ${rawPath}; the simulator serves ${ADMIN_FAULTS_PATH}.` } };
  }

  switch (method) {
    case "GET":
      return { status: 200, body: { faults: faults.list() } };
    case "DELETE":
      faults.clear();
      return { status: 204 };
    case "POST":
      return addFaults(faults, body);
    default:
      return { status: 405, headers: { Allow: "GET, POST, DELETE" }, body: { error: `Method ${method} is not allowed on ${ADMIN_FAULTS_PATH}; use GET, POST or DELETE.` } };
  }
}

function addFaults(faults: FaultInjector, body: Uint8Array): AdminResponse {
  const text = Buffer.from(body).toString("utf8");
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (error) {
    return { status: 400, body: { error: `The body is not JSON (${describeJsonSyntaxError(error)}); send {"faults": [ ...rules ]}.` } };
  }

  const duplicate = findDuplicateJsonKey(text);
  if (duplicate !== undefined) {
    return rejectRules([describeDuplicateKey(duplicate)]);
  }

  const problems: string[] = [];
  if (typeof document !== "object" || document === null || Array.isArray(document) || !("faults" in document)) {
    return rejectRules(['(root): send {"faults": [ ...rules ]}']);
  }
  for (const field of Object.keys(document).filter((name) => name !== "faults")) {
    problems.push(`${field}: unknown field; send {"faults": [ ...rules ]}`);
  }
  const rules = readFaultRules((document as { faults: unknown }).faults, "faults", problems);
  if (rules === undefined || problems.length > 0) {
    return rejectRules(problems);
  }

  faults.add(rules);
  return { status: 201, body: { added: rules.length, faults: faults.list() } };
}

/** Builds the 400 of invalid rules; `error` repeats the problems so a client that shows only it still names the bad field. */
function rejectRules(problems: readonly string[]): AdminResponse {
  return { status: 400, body: { error: `Invalid fault rules: ${problems.join("; ")}`, problems } };
}
