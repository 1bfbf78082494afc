import { randomBytes } from "node:crypto";

/** Gateway error code of a token that has expired or was revoked, sent with 401: "the token must be updated". */
export const GATEWAY_TOKEN_EXPIRED = "APIGW.0307";

/** Default lifetime of an issued token: 24 hours, as IAM documents. */
export const DEFAULT_TOKEN_LIFETIME_MS = 24 * 60 * 60 * 1000;

/** Subject a token was issued to; it contains no password, secret key or token. */
export interface TokenSubject {
  /** Description for logs and the request record, such as `user alice of domain example` or `access key id AK...`. */
  readonly principal: string;
  /** Project the token is scoped to, when it is. */
  readonly projectId?: string;
}

/** Token issued by {@link IamTokenRegistry.issue}. */
export interface IssuedSimulatorToken {
  readonly token: string;
  readonly expiresAt: Date;
}

/** Result of {@link IamTokenRegistry.check}. */
export type TokenCheck =
  | { readonly ok: true; readonly subject: TokenSubject }
  | { readonly ok: false; readonly expired: boolean; readonly message: string };

/**
 * Tokens the simulated IAM has issued, with their expiry. The ECS side and the IAM side of the
 * simulator share one registry, so a token from `POST /v3/auth/tokens` works on the metadata calls.
 */
export class IamTokenRegistry {
  private readonly tokens = new Map<string, { readonly subject: TokenSubject; expiresAt: number }>();
  private issuedCount = 0;

  /**
   * @param now - Clock that expiry is measured on.
   * @param lifetimeMs - Lifetime of every token issued from now on.
   */
  constructor(
    private readonly now: () => Date,
    public lifetimeMs: number = DEFAULT_TOKEN_LIFETIME_MS,
  ) {}

  /** Number of tokens issued so far. */
  get issued(): number {
    return this.issuedCount;
  }

  /** Issues a new random token for a subject. */
  issue(subject: TokenSubject): IssuedSimulatorToken {
    const token = `SIMTOKEN-${randomBytes(24).toString("base64url")}`;
    const expiresAt = this.now().getTime() + this.lifetimeMs;
    this.tokens.set(token, { subject, expiresAt });
    this.issuedCount += 1;
    return { token, expiresAt: new Date(expiresAt) };
  }

  /** Checks a token sent as `X-Auth-Token`. Messages never contain the token. */
  check(token: string): TokenCheck {
    const entry = this.tokens.get(token);
    if (entry === undefined) {
      return { ok: false, expired: false, message: "The X-Auth-Token is not a token this IAM issued. Request a new token." };
    }
    if (entry.expiresAt <= this.now().getTime()) {
      return { ok: false, expired: true, message: "The token must be updated: it has expired." };
    }
    return { ok: true, subject: entry.subject };
  }

  /** Returns every token issued so far, so that tests can check that none of them leaks into messages or logs. */
  issuedTokens(): string[] {
    return [...this.tokens.keys()];
  }

  /** Ends every token issued so far, as a changed password does; later requests with them get 401 {@link GATEWAY_TOKEN_EXPIRED}. */
  expireAll(): void {
    const now = this.now().getTime();
    for (const entry of this.tokens.values()) {
      entry.expiresAt = Math.min(entry.expiresAt, now);
    }
  }
}
