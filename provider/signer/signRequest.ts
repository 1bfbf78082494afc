import { formatAuthorizationHeader } from "./authorizationHeader";
import { getCanonicalHeaders } from "./canonicalHeaders";
import { getCanonicalQuery } from "./canonicalQuery";
import { getCanonicalUri } from "./canonicalUri";
import { AUTHORIZATION_HEADER, HOST_HEADER, SDK_DATE_HEADER, SECURITY_TOKEN_HEADER } from "./constants";
import { getPayloadHash } from "./payloadHash";
import { formatSdkDate } from "./sdkDate";
import { buildCanonicalRequest, buildStringToSign, computeSignature } from "./signature";

/** Request to sign, as it will be sent. */
export interface RequestToSign {
  /** HTTP method, such as `GET`. */
  readonly method: string;
  /** Absolute URL whose path and query are exactly those sent on the wire. */
  readonly url: URL;
  /** Headers to send and sign, besides `Host`, `X-Sdk-Date` and `X-Security-Token`. */
  readonly headers?: Readonly<Record<string, string>>;
  /** Exact body bytes; absent for a request without a body. */
  readonly body?: string | Uint8Array;
}

/** AK/SK credentials, permanent or temporary. */
export interface AkSkCredentials {
  /** Access key id, sent in the clear in `Authorization`. */
  readonly accessKey: string;
  /** Secret key, used only as the HMAC key. */
  readonly secretKey: string;
  /** Session token of temporary credentials, sent and signed as `X-Security-Token`. */
  readonly securityToken?: string;
}

/** Options of {@link signRequest}. */
export interface SignOptions {
  /** Signing time, which becomes `X-Sdk-Date`. */
  readonly now: Date;
  /** Whether the `Host` header (taken from the URL) is signed; `true` unless set. */
  readonly signHost?: boolean;
}

/**
 * Signs a request with `SDK-HMAC-SHA256` and returns the headers to send: the given ones plus
 * `X-Sdk-Date`, `Authorization` and, for temporary credentials, `X-Security-Token`. `Host` is signed
 * but not returned, because the HTTP client sets it from the URL.
 */
export function signRequest(
  request: RequestToSign,
  credentials: AkSkCredentials,
  options: SignOptions,
): Record<string, string> {
  const sdkDate = formatSdkDate(options.now);
  const headersToSend: Record<string, string> = { ...request.headers, [SDK_DATE_HEADER]: sdkDate };
  if (credentials.securityToken !== undefined) {
    headersToSend[SECURITY_TOKEN_HEADER] = credentials.securityToken;
  }

  const headersToSign = options.signHost === false ? headersToSend : { ...headersToSend, [HOST_HEADER]: request.url.host };
  const { canonicalHeaders, signedHeaders } = getCanonicalHeaders(headersToSign);

  const canonicalRequest = buildCanonicalRequest({
    method: request.method,
    canonicalUri: getCanonicalUri(request.url.pathname),
    canonicalQuery: getCanonicalQuery(request.url.search),
    canonicalHeaders,
    signedHeaders,
    payloadHash: getPayloadHash(request.body),
  });
  const signature = computeSignature(credentials.secretKey, buildStringToSign(canonicalRequest, sdkDate));

  headersToSend[AUTHORIZATION_HEADER] = formatAuthorizationHeader({
    accessKey: credentials.accessKey,
    signedHeaders,
    signature,
  });
  return headersToSend;
}
