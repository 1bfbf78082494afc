import { SIGNING_ALGORITHM } from "./constants";

/** Fields of an `SDK-HMAC-SHA256` `Authorization` header. */
export interface AuthorizationFields {
  readonly accessKey: string;
  readonly signedHeaders: string;
  readonly signature: string;
}

/** Formats the `Authorization` header value. */
export function formatAuthorizationHeader(fields: AuthorizationFields): string {
  return `${SIGNING_ALGORITHM} Access=${fields.accessKey}, SignedHeaders=${fields.signedHeaders}, Signature=${fields.signature}`;
}

/**
 * Parses an `Authorization` header value of the `SDK-HMAC-SHA256` algorithm, returning `undefined`
 * for another algorithm or a malformed value.
 */
export function parseAuthorizationHeader(value: string): AuthorizationFields | undefined {
  const prefix = SIGNING_ALGORITHM + " ";
  if (!value.startsWith(prefix)) {
    return undefined;
  }

  const fields = new Map<string, string>();
  for (const part of value.slice(prefix.length).split(",")) {
    const separator = part.indexOf("=");
    if (separator === -1) {
      return undefined;
    }
    fields.set(part.slice(0, separator).trim(), part.slice(separator + 1).trim());
  }

  const accessKey = fields.get("Access");
  const signedHeaders = fields.get("SignedHeaders");
  const signature = fields.get("Signature");
  if (!accessKey || !signedHeaders || !signature || fields.size !== 3) {
    return undefined;
  }
  return { accessKey, signedHeaders, signature };
}
