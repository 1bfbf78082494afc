import { createHash, createHmac } from "node:crypto";

import { SIGNING_ALGORITHM } from "./constants";

/** Parts of a canonical request, each already in canonical form. */
export interface CanonicalRequestParts {
  readonly method: string;
  readonly canonicalUri: string;
  readonly canonicalQuery: string;
  readonly canonicalHeaders: string;
  readonly signedHeaders: string;
  readonly payloadHash: string;
}

/** Joins the parts of a canonical request with `\n`, the method upper-cased. */
export function buildCanonicalRequest(parts: CanonicalRequestParts): string {
  return [
    parts.method.toUpperCase(),
    parts.canonicalUri,
    parts.canonicalQuery,
    parts.canonicalHeaders,
    parts.signedHeaders,
    parts.payloadHash,
  ].join("\n");
}

/** Builds the string to sign: the algorithm, the `X-Sdk-Date` value and the hex SHA-256 of the canonical request. */
export function buildStringToSign(canonicalRequest: string, sdkDate: string): string {
  const requestHash = createHash("sha256").update(canonicalRequest).digest("hex");
  return `${SIGNING_ALGORITHM}\n${sdkDate}\n${requestHash}`;
}

/** Computes the hex HMAC-SHA256 of the string to sign, keyed with the secret key as it is. */
export function computeSignature(secretKey: string, stringToSign: string): string {
  return createHmac("sha256", secretKey).update(stringToSign).digest("hex");
}
