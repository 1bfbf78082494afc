import { createHash } from "node:crypto";

import { TOKEN_EXPIRED_ERROR_CODE } from "../client";
import { AkSkCredentials, signRequest } from "../signer";
import { ConnectionSettings } from "./connection";
import type { AuthCredentials } from "./credentials";
import { AUTH_TOKEN_HEADER, describeIamRequest, iamResponseError, invalidIamResponse, sendIamRequest, SUBJECT_TOKEN_HEADER } from "./iamClient";

/** A cached token is renewed when less than this many milliseconds of its lifetime remain. */
export const TOKEN_RENEWAL_MARGIN_MS = 5 * 60 * 1000;

/** Request whose authentication headers an authorizer adds. */
export interface RequestToAuthorize {
  readonly method: string;
  /** Absolute URL exactly as sent. */
  readonly url: URL;
  /** Headers to send besides the authentication ones. */
  readonly headers: Readonly<Record<string, string>>;
  /** Exact body, when there is one. */
  readonly body?: string;
}

/** Adds authentication to requests, in one of the credential modes. */
export interface RequestAuthorizer {
  /** Principal the requests act as, for messages: an access key id, an IAM user, or the source of a token. It is never a secret. */
  readonly principal: string;
  /** Returns the headers to send: the request's own plus `Authorization` (AK/SK) or `X-Auth-Token`. */
  authorize(request: RequestToAuthorize): Promise<Record<string, string>>;
  /**
   * Drops the token that got 401 `APIGW.0307` and returns whether the next
   * {@link RequestAuthorizer.authorize} will use a new one. Only the password mode can renew, so the
   * other modes return `false`.
   */
  renewToken(): Promise<boolean>;
}

/** Options of {@link createRequestAuthorizer}. */
export interface AuthorizerOptions {
  /** IAM endpoint including `/v3`, such as `https://iam.cn-north-4.myhuaweicloud.com/v3`. */
  readonly iamEndpoint: string;
  readonly connection: ConnectionSettings;
  /** Project the password mode scopes its token to, by id. */
  readonly projectId?: string;
  /** Region whose project the password mode scopes its token to, by name, when no project id is known. */
  readonly region?: string;
  /** Clock of signatures and token expiry; the system clock unless set. */
  readonly now?: () => Date;
  /** Receives one line per token issued; never a token or password. */
  readonly logger?: { debug(message: string): void };
}

/** Token with its expiry, as cached. */
interface CachedToken {
  readonly token: string;
  readonly expiresAt: number;
}

const tokenCache = new Map<string, CachedToken>();
const tokenRequests = new Map<string, Promise<CachedToken>>();

/** Empties the process-wide token cache; tests call it between cases. */
export function clearTokenCache(): void {
  tokenCache.clear();
  tokenRequests.clear();
}

/** Creates the authorizer of a credential set. */
export function createRequestAuthorizer(credentials: AuthCredentials, options: AuthorizerOptions): RequestAuthorizer {
  const now = options.now ?? (() => new Date());
  switch (credentials.kind) {
    case "accessKey":
      return createAccessKeyAuthorizer(credentials, now);
    case "token":
      return {
        principal: `the IAM token from ${credentials.source}`,
        authorize: async (request) => ({ ...request.headers, [AUTH_TOKEN_HEADER]: credentials.token }),
        renewToken: async () => false,
      };
    case "password":
      return createPasswordAuthorizer(credentials, options, now);
  }
}

/**
 * Sends a request and, when the API returns 401 `APIGW.0307` and the authorizer renews its token,
 * sends it once more with the new token. A second 401 is returned as it is, so a token is never
 * renewed in a loop.
 *
 * @param send - Sends the request with the given headers.
 * @param isExpiredToken - Returns whether a response is the 401 of an expired token.
 */
export async function sendWithTokenRenewal<T>(
  authorizer: RequestAuthorizer,
  request: RequestToAuthorize,
  send: (headers: Record<string, string>) => Promise<T>,
  isExpiredToken: (response: T) => boolean,
): Promise<T> {
  const first = await send(await authorizer.authorize(request));
  if (!isExpiredToken(first) || !(await authorizer.renewToken())) {
    return first;
  }
  return send(await authorizer.authorize(request));
}

/** Returns whether a status and body are the API gateway's 401 for an expired token. */
export function isExpiredTokenResponse(status: number, body: string): boolean {
  return status === 401 && body.includes(TOKEN_EXPIRED_ERROR_CODE);
}

function createAccessKeyAuthorizer(credentials: Extract<AuthCredentials, { kind: "accessKey" }>, now: () => Date): RequestAuthorizer {
  const pair: AkSkCredentials =
    credentials.securityToken === undefined
      ? { accessKey: credentials.accessKey, secretKey: credentials.secretKey }
      : { accessKey: credentials.accessKey, secretKey: credentials.secretKey, securityToken: credentials.securityToken };
  const temporary = credentials.securityToken === undefined ? "" : "temporary ";
  return {
    principal: `${temporary}access key id "${credentials.accessKey}"`,
    authorize: async (request) => signRequest({ method: request.method, url: request.url, headers: request.headers, body: request.body }, pair, { now: now() }),
    renewToken: async () => false,
  };
}

function createPasswordAuthorizer(credentials: Extract<AuthCredentials, { kind: "password" }>, options: AuthorizerOptions, now: () => Date): RequestAuthorizer {
  const scope = options.projectId !== undefined ? { project: { id: options.projectId } } : options.region !== undefined ? { project: { name: options.region } } : { domain: { name: credentials.domainName } };
  // The key contains a hash of the password, so a changed password in the same process gets its own token.
  const cacheKey = [
    options.iamEndpoint,
    credentials.domainName,
    credentials.userName,
    JSON.stringify(scope),
    createHash("sha256").update(credentials.password).digest("hex"),
  ].join("\n");
  const principal = `IAM user "${credentials.userName}" of domain "${credentials.domainName}"`;

  const issue = async (): Promise<CachedToken> => {
    const url = new URL(`${options.iamEndpoint}/auth/tokens`);
    const body = JSON.stringify({
      auth: {
        identity: {
          methods: ["password"],
          password: { user: { name: credentials.userName, password: credentials.password, domain: { name: credentials.domainName } } },
        },
        scope,
      },
    });
    const response = await sendIamRequest({ method: "POST", url, headers: { "Content-Type": "application/json;charset=utf8" }, body }, options.connection);
    const request = describeIamRequest("POST", url);
    if (response.status !== 201 && response.status !== 200) {
      throw iamResponseError(request, response, principal);
    }

    const token = response.headers[SUBJECT_TOKEN_HEADER];
    if (token === undefined || token === "") {
      throw invalidIamResponse(request, response, "the response has no X-Subject-Token header");
    }
    const expiresAt = readExpiry(response.body);
    if (expiresAt === undefined) {
      throw invalidIamResponse(request, response, "the body has no token.expires_at date");
    }
    options.logger?.debug(`Issued an IAM token for ${principal} at ${url.origin}, valid until ${new Date(expiresAt).toISOString()}.`);
    return { token, expiresAt };
  };

  const currentToken = async (): Promise<CachedToken> => {
    const cached = tokenCache.get(cacheKey);
    if (cached !== undefined && cached.expiresAt - now().getTime() > TOKEN_RENEWAL_MARGIN_MS) {
      return cached;
    }

    // Concurrent lookups share one token request.
    let pending = tokenRequests.get(cacheKey);
    if (pending === undefined) {
      pending = issue().finally(() => tokenRequests.delete(cacheKey));
      tokenRequests.set(cacheKey, pending);
    }
    const issued = await pending;
    tokenCache.set(cacheKey, issued);
    return issued;
  };

  let lastToken: string | undefined;
  return {
    principal,
    authorize: async (request) => {
      const { token } = await currentToken();
      lastToken = token;
      return { ...request.headers, [AUTH_TOKEN_HEADER]: token };
    },
    renewToken: async () => {
      // Drop the cached token only if it is still the one that was refused, so that concurrent lookups renew it once.
      if (tokenCache.get(cacheKey)?.token === lastToken) {
        tokenCache.delete(cacheKey);
      }
      return true;
    },
  };
}

function readExpiry(body: string): number | undefined {
  try {
    const parsed = JSON.parse(body) as { token?: { expires_at?: unknown } };
    const text = parsed.token?.expires_at;
    if (typeof text !== "string") {
      return undefined;
    }
    const time = Date.parse(text);
    return Number.isNaN(time) ? undefined : time;
  } catch {
    return undefined;
  }
}
