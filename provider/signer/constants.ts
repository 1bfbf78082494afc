/** Algorithm name that starts the `Authorization` header and the string to sign. */
export const SIGNING_ALGORITHM = "SDK-HMAC-SHA256";

/** Header that carries the signing time as `YYYYMMDDTHHMMSSZ` in UTC. */
export const SDK_DATE_HEADER = "X-Sdk-Date";

/** Header that carries the signature, the access key id and the signed header names. */
export const AUTHORIZATION_HEADER = "Authorization";

/** Header that carries the session token of temporary AK/SK credentials. */
export const SECURITY_TOKEN_HEADER = "X-Security-Token";

/** Header that carries the host, signed unless a caller opts out. */
export const HOST_HEADER = "Host";

/** Maximum clock difference, in milliseconds, that the API gateway accepts for `X-Sdk-Date`. */
export const MAX_CLOCK_SKEW_MS = 15 * 60 * 1000;
