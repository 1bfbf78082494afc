import { createHash } from "node:crypto";

import { KeyExpectation, ServerExpectation } from "./expectations";

/** Kind of difference between a live pair and the expected one. */
export type DifferenceKind = "changed" | "missing" | "unexpected";

/** One difference between a server's expected and live metadata. Secret values appear in no field. */
export interface KeyDifference {
  readonly key: string;
  readonly kind: DifferenceKind;
  /** Whether the expectation is secret; then `expected`, `expectedSha256` and `actual` are absent. */
  readonly secret: boolean;
  /** Expected value, for a non-secret expectation given as a value. */
  readonly expected?: string;
  /** Expected digest, for a non-secret expectation given as a SHA-256 digest. */
  readonly expectedSha256?: string;
  /** Live value, for a non-secret `changed` difference; unexpected keys are listed by name only. */
  readonly actual?: string;
}

/** Outcome of checking one server. */
export type ServerResult =
  | { readonly server: ServerExpectation; readonly status: "match"; readonly keysChecked: number }
  | { readonly server: ServerExpectation; readonly status: "drift"; readonly keysChecked: number; readonly differences: readonly KeyDifference[] }
  | { readonly server: ServerExpectation; readonly status: "error"; readonly error: { readonly name: string; readonly message: string } };

/**
 * Compares a server's live metadata with its expectations. With `strict`, a live key that the file does
 * not list is a difference too. Unexpected keys are reported by name only, because the file does not mark
 * whether their values are secret.
 */
export function compareMetadata(server: ServerExpectation, live: Readonly<Record<string, string>>, strict: boolean): ServerResult {
  const differences: KeyDifference[] = [];

  for (const expectation of server.keys) {
    const actual = Object.hasOwn(live, expectation.key) ? live[expectation.key] : undefined;
    if (actual === undefined) {
      differences.push({ key: expectation.key, kind: "missing", secret: expectation.secret, ...describeExpected(expectation) });
    } else if (!matches(expectation, actual)) {
      const shownActual = expectation.secret ? {} : { actual };
      differences.push({ key: expectation.key, kind: "changed", secret: expectation.secret, ...describeExpected(expectation), ...shownActual });
    }
  }

  if (strict) {
    const expectedKeys = new Set(server.keys.map((expectation) => expectation.key));
    const unexpected = Object.keys(live).filter((key) => !expectedKeys.has(key)).sort();
    for (const key of unexpected) {
      differences.push({ key, kind: "unexpected", secret: false });
    }
  }

  const keysChecked = server.keys.length;
  return differences.length === 0 ? { server, status: "match", keysChecked } : { server, status: "drift", keysChecked, differences };
}

/** Returns the lower-case hex SHA-256 digest of the UTF-8 bytes of `value`, the form the expectations file uses. */
export function sha256Hex(value: string): string {
  return createHash("sha256").update(value, "utf8").digest("hex");
}

function matches(expectation: KeyExpectation, actual: string): boolean {
  return expectation.sha256 !== undefined ? sha256Hex(actual) === expectation.sha256 : actual === expectation.value;
}

function describeExpected(expectation: KeyExpectation): Pick<KeyDifference, "expected" | "expectedSha256"> {
  if (expectation.secret) {
    return {};
  }
  return expectation.sha256 !== undefined ? { expectedSha256: expectation.sha256 } : { expected: expectation.value };
}
