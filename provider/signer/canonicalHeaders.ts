/** Canonical header block and signed header list of one request. */
export interface CanonicalHeaders {
  /** Lines `name:value\n` for each signed header, names lower-cased and sorted. */
  readonly canonicalHeaders: string;
  /** Lower-cased header names joined by `;`, in the same order. */
  readonly signedHeaders: string;
}

/**
 * Builds the canonical headers of the given header map, which must contain exactly the headers to
 * sign. Values are trimmed; two headers whose names differ only in case are rejected, because the
 * signature could then cover either of them.
 */
export function getCanonicalHeaders(headers: Readonly<Record<string, string>>): CanonicalHeaders {
  const byName = new Map<string, string>();
  for (const [name, value] of Object.entries(headers)) {
    const lowerName = name.toLowerCase();
    if (byName.has(lowerName)) {
      throw new Error(`Header "${name}" is given twice with different letter case; send it once.`);
    }
    byName.set(lowerName, value.trim());
  }

  const names = [...byName.keys()].sort();
  return {
    canonicalHeaders: names.map((name) => `${name}:${byName.get(name)}\n`).join(""),
    signedHeaders: names.join(";"),
  };
}
