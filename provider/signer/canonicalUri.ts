/**
 * Percent-encodes a string as RFC 3986 requires: every byte except the unreserved characters
 * `A-Z a-z 0-9 - . _ ~` becomes `%XX` with upper-case hex digits.
 */
export function encodeRfc3986(value: string): string {
  return encodeURIComponent(value).replace(
    /[!'()*]/g,
    (character) => "%" + character.charCodeAt(0).toString(16).toUpperCase(),
  );
}

/**
 * Decodes one percent-encoded path segment or query component, keeping a malformed escape as it is
 * so that a request can still be signed and verified byte for byte.
 */
export function decodeComponent(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

/**
 * Builds the canonical URI of a request path: each segment decoded once and encoded again with
 * {@link encodeRfc3986}, and the result always ending in `/` (`/a/b` and `/a/b/` both give `/a/b/`).
 *
 * The path is the one sent on the wire, so a segment that the client encoded once (`a%20b`) signs as
 * `a%20b`, as the Huawei Cloud signing guide and its Go and Python SDKs do.
 */
export function getCanonicalUri(path: string): string {
  const segments = path.split("/").map((segment) => encodeRfc3986(decodeComponent(segment)));
  const joined = segments.join("/");
  const absolute = joined.startsWith("/") ? joined : "/" + joined;
  return absolute.endsWith("/") ? absolute : absolute + "/";
}
