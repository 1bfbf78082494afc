import { timingSafeEqual } from "node:crypto";
import type { IncomingHttpHeaders } from "node:http";

import {
  AUTHORIZATION_HEADER,
  MAX_CLOCK_SKEW_MS,
  SDK_DATE_HEADER,
  SECURITY_TOKEN_HEADER,
  buildCanonicalRequest,
  buildStringToSign,
  computeSignature,
  formatSdkDate,
  getCanonicalHeaders,
  getCanonicalQuery,
  getCanonicalUri,
  getPayloadHash,
  parseAuthorizationHeader,
  parseSdkDate,
} from "../signer";
import type { SimulatorCredential } from "./dataFile";

/** Request as the simulator received it, before any decoding. */
export interface ReceivedRequest {
  /** HTTP method, such as `GET`. */
  readonly method: string;
  /** Path exactly as sent on the request line, without the query. */
  readonly rawPath: string;
  /** Query exactly as sent, without the leading `?`; empty when there is none. */
  readonly rawQuery: string;
  /** Headers as Node.js parsed them, names in lower case. */
  readonly headers: IncomingHttpHeaders;
  /** Exact body bytes; empty for a request without a body. */
  readonly body: Uint8Array;
}

/** Result of {@link verifyRequestSignature}. */
export type SignatureCheck =
  | {
      readonly ok: true;
      /** Credential whose secret key signed the request. */
      readonly credential: SimulatorCredential;
    }
  | {
      readonly ok: false;
      /** Access key id named in `Authorization`, when the header could be parsed. */
      readonly accessKey?: string;
      /** Description of the failure for the 401 body. It never contains a secret key, signature or token. */
      readonly message: string;
    };

const SDK_DATE_NAME = SDK_DATE_HEADER.toLowerCase();
const SECURITY_TOKEN_NAME = SECURITY_TOKEN_HEADER.toLowerCase();

/**
 * Verifies the `SDK-HMAC-SHA256` signature of a received request as the API gateway does.
 *
 * The canonical request is rebuilt from what was received: the method, the raw path and query, the
 * received values of the headers listed in `SignedHeaders`, and the exact body bytes. `X-Sdk-Date`
 * must be signed and within {@link MAX_CLOCK_SKEW_MS} of `now`. A credential with a security token
 * also requires a signed `X-Security-Token` with the same value, and a credential without one
 * rejects a request that sends it.
 *
 * @param findCredential - Looks up the credential of an access key id.
 * @param now - The simulator's clock.
 */
export function verifyRequestSignature(
  request: ReceivedRequest,
  findCredential: (accessKey: string) => SimulatorCredential | undefined,
  now: Date,
): SignatureCheck {
  const authorization = readHeader(request.headers, AUTHORIZATION_HEADER.toLowerCase());
  if (authorization === undefined) {
    return reject(`Missing ${AUTHORIZATION_HEADER} header. Sign the request with SDK-HMAC-SHA256 (AK/SK).`);
  }

  const fields = parseAuthorizationHeader(authorization);
  if (fields === undefined) {
    return reject(
      `Malformed ${AUTHORIZATION_HEADER} header. Expected "SDK-HMAC-SHA256 Access=<access key id>, SignedHeaders=<names>, Signature=<hex>".`,
    );
  }
  const accessKey = fields.accessKey;

  const signedNames = fields.signedHeaders.split(";");
  const sortedNames = [...new Set(signedNames.map((name) => name.toLowerCase()))].sort();
  if (sortedNames.join(";") !== fields.signedHeaders) {
    return reject(
      `Invalid SignedHeaders "${fields.signedHeaders}": list lower-case header names, sorted and without repeats, joined by ";".`,
      accessKey,
    );
  }

  if (!signedNames.includes(SDK_DATE_NAME)) {
    return reject(`${SDK_DATE_HEADER} must be among the signed headers, but SignedHeaders is "${fields.signedHeaders}".`, accessKey);
  }

  const signedValues: Record<string, string> = {};
  for (const name of signedNames) {
    const value = readHeader(request.headers, name);
    if (value === undefined) {
      return reject(`Signed header "${name}" is missing from the request.`, accessKey);
    }
    signedValues[name] = value;
  }

  const credential = findCredential(accessKey);
  if (credential === undefined) {
    return reject(`Unknown access key id "${accessKey}".`, accessKey);
  }

  const sdkDate = signedValues[SDK_DATE_NAME];
  const clockProblem = checkClockSkew(sdkDate, now);
  if (clockProblem !== undefined) {
    return reject(clockProblem, accessKey);
  }

  const tokenProblem = checkSecurityToken(request.headers, signedNames, credential);
  if (tokenProblem !== undefined) {
    return reject(tokenProblem, accessKey);
  }

  const expectedSignature = computeExpectedSignature(request, signedValues, sdkDate, credential.secretKey);
  if (!equalInConstantTime(expectedSignature, fields.signature)) {
    return reject(
      `Signature does not match the request of access key id "${accessKey}". Check the secret key, and sign the method, path, query, headers and body exactly as they are sent.`,
      accessKey,
    );
  }
  return { ok: true, credential };
}

function computeExpectedSignature(
  request: ReceivedRequest,
  signedValues: Readonly<Record<string, string>>,
  sdkDate: string,
  secretKey: string,
): string {
  const { canonicalHeaders, signedHeaders } = getCanonicalHeaders(signedValues);

  const canonicalRequest = buildCanonicalRequest({
    method: request.method,
    canonicalUri: getCanonicalUri(request.rawPath),
    canonicalQuery: getCanonicalQuery(request.rawQuery),
    canonicalHeaders,
    signedHeaders,
    payloadHash: getPayloadHash(request.body),
  });
  return computeSignature(secretKey, buildStringToSign(canonicalRequest, sdkDate));
}

/** Returns a message when the `X-Sdk-Date` value is malformed or too far from `now`. */
function checkClockSkew(sdkDate: string, now: Date): string | undefined {
  const signedAt = parseSdkDate(sdkDate);
  if (signedAt === undefined) {
    return `Invalid ${SDK_DATE_HEADER} "${sdkDate}": use the UTC form YYYYMMDDTHHMMSSZ, such as 20240131T235959Z.`;
  }

  const skewMs = signedAt.getTime() - now.getTime();
  if (Math.abs(skewMs) <= MAX_CLOCK_SKEW_MS) {
    return undefined;
  }

  const direction = skewMs < 0 ? "behind" : "ahead of";
  return (
    `${SDK_DATE_HEADER} ${sdkDate} is ${Math.round(Math.abs(skewMs) / 1000)} s ${direction} the simulator clock ` +
    `${formatSdkDate(now)}; the maximum difference is ${MAX_CLOCK_SKEW_MS / 1000} s. Correct the client clock.`
  );
}

/** Returns a message when the security token header does not fit the credential. */
function checkSecurityToken(
  headers: IncomingHttpHeaders,
  signedNames: readonly string[],
  credential: SimulatorCredential,
): string | undefined {
  const sentToken = readHeader(headers, SECURITY_TOKEN_NAME);

  if (credential.securityToken === undefined) {
    if (sentToken !== undefined) {
      return `Access key id "${credential.accessKey}" is permanent and takes no ${SECURITY_TOKEN_HEADER}; remove the header.`;
    }
    return undefined;
  }

  if (sentToken === undefined) {
    return `Missing ${SECURITY_TOKEN_HEADER} header: access key id "${credential.accessKey}" is temporary and needs its security token.`;
  }
  if (!signedNames.includes(SECURITY_TOKEN_NAME)) {
    return `${SECURITY_TOKEN_HEADER} must be among the signed headers for temporary access key id "${credential.accessKey}".`;
  }
  if (!equalInConstantTime(sentToken, credential.securityToken)) {
    return `${SECURITY_TOKEN_HEADER} does not match the security token of access key id "${credential.accessKey}".`;
  }
  return undefined;
}

/** Returns one header value; repeated values, which Node.js keeps as an array only for a few headers, are joined by `,`. */
function readHeader(headers: IncomingHttpHeaders, lowerCaseName: string): string | undefined {
  const value = headers[lowerCaseName];
  return Array.isArray(value) ? value.join(",") : value;
}

/** Compares two strings without an early exit on the first differing byte; only a length difference returns early. */
function equalInConstantTime(expected: string, received: string): boolean {
  const expectedBytes = Buffer.from(expected, "utf8");
  const receivedBytes = Buffer.from(received, "utf8");
  if (expectedBytes.length !== receivedBytes.length) {
    return false;
  }
  return timingSafeEqual(expectedBytes, receivedBytes);
}

function reject(message: string, accessKey?: string): SignatureCheck {
  return accessKey === undefined ? { ok: false, message } : { ok: false, accessKey, message };
}
