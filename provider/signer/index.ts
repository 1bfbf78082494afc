export { parseAuthorizationHeader, formatAuthorizationHeader, type AuthorizationFields } from "./authorizationHeader";
export { getCanonicalHeaders, type CanonicalHeaders } from "./canonicalHeaders";
export { getCanonicalQuery } from "./canonicalQuery";
export { decodeComponent, encodeRfc3986, getCanonicalUri } from "./canonicalUri";
export * from "./constants";
export { getPayloadHash } from "./payloadHash";
export { formatSdkDate, parseSdkDate } from "./sdkDate";
export { buildCanonicalRequest, buildStringToSign, computeSignature, type CanonicalRequestParts } from "./signature";
export { signRequest, type AkSkCredentials, type RequestToSign, type SignOptions } from "./signRequest";
