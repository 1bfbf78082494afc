import { decodeComponent, encodeRfc3986 } from "./canonicalUri";

/**
 * Builds the canonical query string from the raw query of a request (with or without its leading
 * `?`): each name and value decoded once, pairs sorted by decoded name and then decoded value,
 * encoded with RFC 3986 rules, and joined by `&`. A parameter without `=` signs as `name=`.
 *
 * Sorting before encoding follows the official Go, Python and Node.js SDK signers; the signing guide
 * says only "by character code".
 */
export function getCanonicalQuery(rawQuery: string): string {
  const query = rawQuery.startsWith("?") ? rawQuery.slice(1) : rawQuery;
  if (query === "") {
    return "";
  }

  const pairs = query
    .split("&")
    .filter((part) => part !== "")
    .map((part) => {
      const separator = part.indexOf("=");
      const name = separator === -1 ? part : part.slice(0, separator);
      const value = separator === -1 ? "" : part.slice(separator + 1);
      return [decodeComponent(name), decodeComponent(value)] as const;
    });

  pairs.sort(([nameA, valueA], [nameB, valueB]) => compareStrings(nameA, nameB) || compareStrings(valueA, valueB));
  return pairs.map(([name, value]) => `${encodeRfc3986(name)}=${encodeRfc3986(value)}`).join("&");
}

function compareStrings(a: string, b: string): number {
  if (a === b) {
    return 0;
  }
  return a < b ? -1 : 1;
}
