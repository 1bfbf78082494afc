import type http from "node:http";
import { performance } from "node:perf_hooks";
import { setTimeout as sleepFor } from "node:timers/promises";

import { AkSkCredentials, signRequest } from "../signer";
import { EcsApiError, EcsRequestError, FailedRequest, InvalidInputError, InvalidResponseError, NetworkError, UnauthorizedError } from "./errors";
import { LookupContext, RawResponse, readAllMetadataResponse, readMetadataKeyResponse } from "./responses";
import {
  computeBackoffDelay,
  DEFAULT_ATTEMPT_TIMEOUT_MS,
  DEFAULT_BASE_DELAY_MS,
  DEFAULT_DEADLINE_MS,
  DEFAULT_MAX_DELAY_MS,
  DEFAULT_MAX_RETRIES,
  isRetryableNetworkCode,
  isRetryableStatus,
  MAX_MAX_RETRIES,
  parseRetryAfter,
} from "./retryPolicy";
import { AttemptOutcome, sendGet } from "./transport";
import { buildMetadataKeyUrl, buildMetadataUrl, MetadataKeyTarget, ServerTarget } from "./urls";

/** Receiver of the client's debug lines; inside Pulumi, `pulumi.log.debug` fits. */
export interface EcsClientLogger {
  debug(message: string): void;
}

/** Settings of an {@link EcsClient}. */
export interface EcsClientOptions {
  /** ECS endpoint, such as `https://ecs.cn-north-4.myhuaweicloud.com`. */
  readonly endpoint: string;
  /** AK/SK credentials that sign every request; required unless `authorizer` is set. */
  readonly credentials?: AkSkCredentials;
  /** Adds the authentication headers of each attempt in place of `credentials`, as the IAM token modes do. */
  readonly authorizer?: EcsRequestAuthorizer;
  /** Returns the agent of a request URL, with its TLS and proxy settings; a plain keep-alive agent unless set. */
  readonly agentFor?: (url: URL) => http.Agent;
  /** Time limit of one attempt in milliseconds, body included; 20,000 unless set. The deadline's remaining time lowers it. */
  readonly timeoutMs?: number;
  /** Retries after the first attempt, from 0 to 100; 5 unless set. */
  readonly maxRetries?: number;
  /** Time limit of one lookup in milliseconds, every attempt and wait included; 60,000 unless set. */
  readonly deadlineMs?: number;
  /** First backoff step in milliseconds; 1,000 unless set. Step n waits up to `baseDelayMs * 2^(n-1)`. */
  readonly baseDelayMs?: number;
  /** Cap of one backoff step in milliseconds; 20,000 unless set. */
  readonly maxDelayMs?: number;
  /** Clock that dates signatures and reads `Retry-After` dates; the system clock unless set. */
  readonly now?: () => Date;
  /** Monotonic clock in milliseconds that the deadline is measured on; `performance.now` unless set. */
  readonly monotonicNow?: () => number;
  /** Waits between attempts; a timer unless set. Tests pass one that advances a fake clock. */
  readonly sleep?: (ms: number) => Promise<void>;
  /** Random number in [0, 1) for backoff jitter; `Math.random` unless set. */
  readonly random?: () => number;
  /** Receives one line per attempt, without header values or metadata values; nothing is logged unless set. */
  readonly logger?: EcsClientLogger;
  /** `User-Agent` header value. */
  readonly userAgent?: string;
  /** Runs each attempt when the endpoint's rate and concurrency limits allow it; attempts run at once unless set. */
  readonly limiter?: RequestLimiter;
}

/** Authentication of requests other than AK/SK signing with {@link EcsClientOptions.credentials}. */
export interface EcsRequestAuthorizer {
  /** Principal the requests act as, such as an IAM user name, for error messages. It is never a secret. */
  readonly principal: string;
  /** Returns the headers to send: the given ones plus the authentication headers. */
  authorize(request: { readonly method: string; readonly url: URL; readonly headers: Readonly<Record<string, string>> }): Promise<Record<string, string>>;
  /** Drops a token that got 401 `APIGW.0307`, and returns whether the next attempt uses a new one. */
  renewToken(): Promise<boolean>;
}

/** Gateway error code of a 401 for an expired token: "the token must be updated". */
export const TOKEN_EXPIRED_ERROR_CODE = "APIGW.0307";

/** Gate that each attempt passes, such as a {@link RateLimiter} shared by every client of an endpoint. */
export interface RequestLimiter {
  schedule<T>(task: () => Promise<T>): Promise<T>;
}

/** Result of one attempt after its response has been read. */
type AttemptResult<T> =
  | { readonly ok: true; readonly value: T; readonly status: number }
  | {
      readonly ok: false;
      readonly error: EcsRequestError;
      readonly retryable: boolean;
      readonly retryAfterMs?: number;
      readonly status?: number;
      /** Whether the attempt was stopped before anything was sent. */
      readonly notSent?: boolean;
    };

/** Settings of the retry loop with defaults filled in. */
interface RetrySettings {
  readonly maxRetries: number;
  readonly deadlineMs: number;
  readonly timeoutMs: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
}

/**
 * Client of the ECS metadata API for one endpoint and one set of credentials. Each read is a signed
 * `GET`, retried on throttling, transient server errors and lost connections, within a deadline.
 */
export class EcsClient {
  private readonly options: EcsClientOptions;
  /** First final 401 of this client; once set, no request is sent with its credentials again. */
  private authenticationFailure: UnauthorizedError | undefined;
  /** Whether a response other than 401 has shown that the endpoint accepts this client's credentials. */
  private credentialsAccepted = false;
  /** Attempt in flight while the credentials are not accepted yet; other attempts wait for it. */
  private credentialCheck: Promise<void> | undefined;
  private readonly retry: RetrySettings;

  /** @throws {@link InvalidInputError} for a retry or time setting out of range. */
  constructor(options: EcsClientOptions) {
    if (options.credentials === undefined && options.authorizer === undefined) {
      throw new InvalidInputError("credentials", "EcsClient needs credentials (AK/SK) or an authorizer (IAM token); neither was given.");
    }
    this.options = options;
    this.retry = {
      maxRetries: readWholeNumber("maxRetries", options.maxRetries, DEFAULT_MAX_RETRIES, 0, MAX_MAX_RETRIES),
      deadlineMs: readWholeNumber("deadlineMs", options.deadlineMs, DEFAULT_DEADLINE_MS, 1, Number.MAX_SAFE_INTEGER),
      timeoutMs: readWholeNumber("timeoutMs", options.timeoutMs, DEFAULT_ATTEMPT_TIMEOUT_MS, 1, Number.MAX_SAFE_INTEGER),
      baseDelayMs: readWholeNumber("baseDelayMs", options.baseDelayMs, DEFAULT_BASE_DELAY_MS, 0, Number.MAX_SAFE_INTEGER),
      maxDelayMs: readWholeNumber("maxDelayMs", options.maxDelayMs, DEFAULT_MAX_DELAY_MS, 0, Number.MAX_SAFE_INTEGER),
    };
  }

  /**
   * Sends `GET /{version}/{project_id}/servers/{server_id}/metadata/{key}` and returns the value.
   * Raises an {@link EcsApiError} subclass for an error status, an {@link InvalidResponseError} for a
   * body that does not hold exactly the key's string value, and a {@link NetworkError} when no
   * response arrives; each records the attempts made in `attempts`.
   */
  getMetadataKey(target: MetadataKeyTarget): Promise<string> {
    const url = buildMetadataKeyUrl(this.options.endpoint, target);
    return this.getWithRetries(url, target, (response, context) => readMetadataKeyResponse(response, { ...context, target }));
  }

  /**
   * Sends `GET /{version}/{project_id}/servers/{server_id}/metadata` and returns every pair, with the
   * same retries and errors as {@link EcsClient.getMetadataKey}. The result has no prototype, so a key
   * such as `__proto__` is an ordinary key.
   */
  getAllMetadata(target: ServerTarget): Promise<Record<string, string>> {
    const url = buildMetadataUrl(this.options.endpoint, target);
    return this.getWithRetries(url, target, readAllMetadataResponse);
  }

  /** Same as {@link EcsClient.getAllMetadata}, with the request id of the response that was read. */
  getAllMetadataWithRequestId(target: ServerTarget): Promise<{ metadata: Record<string, string>; requestId?: string }> {
    const url = buildMetadataUrl(this.options.endpoint, target);
    return this.getWithRetries(url, target, (response, context) => ({
      metadata: readAllMetadataResponse(response, context),
      requestId: response.headers["x-request-id"],
    }));
  }

  private async getWithRetries<T>(url: URL, target: ServerTarget, read: (response: RawResponse, context: LookupContext) => T): Promise<T> {
    const request: FailedRequest = { method: "GET", path: url.pathname, endpoint: url.origin };
    const context: LookupContext = { request, target, accessKey: this.options.credentials?.accessKey };
    const monotonicNow = this.options.monotonicNow ?? (() => performance.now());
    const sleep = this.options.sleep ?? ((ms: number) => sleepFor(ms));
    const { maxRetries, deadlineMs } = this.retry;
    let maxAttempts = maxRetries + 1;
    let tokenRenewed = false;
    const deadlineAt = monotonicNow() + deadlineMs;

    for (let attempt = 1; ; attempt++) {
      let attemptStartedAt = monotonicNow();
      const runAttempt = async (): Promise<AttemptResult<T>> => {
        // Checked when the attempt starts, because lookups queued behind the limiter may start after another lookup's 401.
        const rejected = this.rejectAfterAuthenticationFailure(request);
        if (rejected !== undefined) {
          return rejected;
        }
        // Time spent waiting for the limiter counts against the deadline, so the attempt's time limit is taken when it starts.
        attemptStartedAt = monotonicNow();
        const remainingMs = Math.floor(deadlineAt - attemptStartedAt);
        return this.attemptOnce(url, request, context, Math.max(1, Math.min(this.retry.timeoutMs, remainingMs)), read);
      };
      const result = await this.sendOnceCredentialsAllow(request, () => (this.options.limiter ? this.options.limiter.schedule(runAttempt) : runAttempt()));
      const elapsedMs = Math.round(monotonicNow() - attemptStartedAt);
      const summary = `${request.method} ${request.endpoint}${request.path} attempt ${attempt} of ${maxAttempts}: ${describeResult(result)} after ${elapsedMs} ms`;

      if (result.ok) {
        this.log(summary);
        return result.value;
      }

      const error = result.error;
      if (!tokenRenewed && this.options.authorizer !== undefined && error instanceof EcsApiError && error.status === 401 && error.errorCode === TOKEN_EXPIRED_ERROR_CODE) {
        // Renewed once per lookup at most, so a token the API keeps refusing fails instead of looping.
        tokenRenewed = true;
        if (await this.options.authorizer.renewToken()) {
          this.log(`${summary}; the token expired, sending again with a new token`);
          maxAttempts += 1;
          continue;
        }
      }
      if (result.notSent) {
        this.log(`${request.method} ${request.endpoint}${request.path}: not sent, because these credentials got 401 before`);
        error.recordAttempts(attempt - 1);
        throw error;
      }
      if (error instanceof UnauthorizedError && this.authenticationFailure === undefined) {
        this.authenticationFailure = error;
      }
      if (!result.retryable) {
        this.log(`${summary}; not retried`);
        error.recordAttempts(attempt, attempt > 1 ? `Gave up after ${attempt} attempts, because this failure is not retried.` : undefined);
        throw error;
      }
      if (attempt >= maxAttempts) {
        this.log(`${summary}; no retries left`);
        error.recordAttempts(attempt, `Gave up after ${attempt === 1 ? "1 attempt" : `${attempt} attempts`}, the limit that maxRetries ${maxRetries} sets; the failure above is the last attempt's.`);
        throw error;
      }

      const delayMs = result.retryAfterMs ?? computeBackoffDelay(attempt, this.retry.baseDelayMs, this.retry.maxDelayMs, this.options.random ?? Math.random);
      const leftMs = Math.floor(deadlineAt - monotonicNow());
      if (delayMs >= leftMs) {
        this.log(`${summary}; no retry, because waiting ${delayMs} ms would pass the deadline`);
        error.recordAttempts(attempt, describeDeadlineStop(attempt, delayMs, leftMs, deadlineMs, result.retryAfterMs !== undefined));
        throw error;
      }

      this.log(`${summary}; retrying in ${delayMs} ms${result.retryAfterMs !== undefined ? " (Retry-After)" : ""}`);
      await sleep(delayMs);
    }
  }

  private async attemptOnce<T>(
    url: URL,
    request: FailedRequest,
    context: LookupContext,
    timeoutMs: number,
    read: (response: RawResponse, context: LookupContext) => T,
  ): Promise<AttemptResult<T>> {
    const now = this.options.now ?? (() => new Date());
    const unsigned = { method: "GET", url, headers: { Accept: "application/json" } };
    const headers = this.options.authorizer
      ? await this.options.authorizer.authorize(unsigned)
      : signRequest(unsigned, this.options.credentials as AkSkCredentials, { now: now() });
    if (this.options.userAgent) {
      headers["User-Agent"] = this.options.userAgent;
    }

    const outcome = await sendGet({ url, headers, timeoutMs, agent: this.options.agentFor?.(url) });
    return this.classify(outcome, request, context, now, read);
  }

  private classify<T>(
    outcome: AttemptOutcome,
    request: FailedRequest,
    context: LookupContext,
    now: () => Date,
    read: (response: RawResponse, context: LookupContext) => T,
  ): AttemptResult<T> {
    if (outcome.kind === "noResponse") {
      const error = new NetworkError(request, outcome.code, outcome.detail);
      return { ok: false, error, retryable: isRetryableNetworkCode(outcome.code) };
    }
    if (outcome.kind === "badBody") {
      const error = new InvalidResponseError(request, outcome.status, outcome.requestId, outcome.problem);
      return { ok: false, error, retryable: outcome.transient, status: outcome.status };
    }

    const response = outcome.response;
    try {
      return { ok: true, value: read(response, context), status: response.status };
    } catch (error) {
      if (!(error instanceof EcsRequestError)) {
        throw error;
      }
      const retryable = isRetryableStatus(response.status);
      const retryAfterMs =
        response.status === 429 || response.status === 503 ? parseRetryAfter(response.headers["retry-after"], response.headers["date"], now()) : undefined;
      return { ok: false, error, retryable, retryAfterMs, status: response.status };
    }
  }

  /**
   * Sends one attempt at a time until a response other than 401 shows that the credentials are
   * accepted, and then any number. A wrong secret key therefore costs one failed authentication
   * rather than one per lookup in flight; after it, {@link rejectAfterAuthenticationFailure} stops
   * the rest.
   */
  private async sendOnceCredentialsAllow<T>(request: FailedRequest, send: () => Promise<AttemptResult<T>>): Promise<AttemptResult<T>> {
    while (!this.credentialsAccepted) {
      const rejected = this.rejectAfterAuthenticationFailure(request);
      if (rejected !== undefined) {
        return rejected;
      }
      if (this.credentialCheck !== undefined) {
        await this.credentialCheck;
        continue;
      }

      const attempt = send();
      this.credentialCheck = attempt.then(
        (result) => this.learnFromFirstResponse(result),
        () => undefined,
      );
      this.credentialCheck.finally(() => (this.credentialCheck = undefined));
      return attempt;
    }
    return send();
  }

  private learnFromFirstResponse(result: AttemptResult<unknown>): void {
    if (result.ok || (result.status !== undefined && result.status !== 401)) {
      this.credentialsAccepted = true;
      return;
    }
    const expiredToken = this.options.authorizer !== undefined && result.error instanceof EcsApiError && result.error.errorCode === TOKEN_EXPIRED_ERROR_CODE;
    if (result.error instanceof UnauthorizedError && !expiredToken && !result.notSent) {
      this.authenticationFailure ??= result.error;
    }
  }

  /**
   * Returns a failure without sending when an earlier request of this client got a final 401: five
   * failed authentications in a row lock an access key for five minutes, so one is enough.
   */
  private rejectAfterAuthenticationFailure(request: FailedRequest): AttemptResult<never> | undefined {
    const earlier = this.authenticationFailure;
    if (earlier === undefined) {
      return undefined;
    }

    const principal = this.options.credentials ? `access key id ${this.options.credentials.accessKey}` : "the same IAM token";
    const error = new UnauthorizedError(request, { status: 401, errorCode: earlier.errorCode, requestId: earlier.requestId }, "");
    error.message =
      `${request.method} ${request.endpoint}${request.path} was not sent: an earlier request with ${principal} got status 401 ` +
      `(error code ${earlier.errorCode ?? "none"}, request id ${earlier.requestId ?? "none"}). Repeated failed authentications lock ` +
      "an access key for five minutes, so this process sends nothing more with these credentials. Fix them and run again.";
    return { ok: false, error, retryable: false, notSent: true };
  }

  private log(message: string): void {
    this.options.logger?.debug(message);
  }
}

/** Describes an attempt for the debug log: the status and error class, never a body or a value. */
function describeResult(result: AttemptResult<unknown>): string {
  if (result.ok) {
    return `status ${result.status}`;
  }
  const error = result.error;
  const requestId = error.requestId ? `, request id ${error.requestId}` : "";
  if (error instanceof NetworkError) {
    return `no response (${error.code ?? "error"}, ${error.name})`;
  }
  return `status ${result.status ?? "none"} (${error.name}${requestId})`;
}

function describeDeadlineStop(attempt: number, delayMs: number, leftMs: number, deadlineMs: number, fromRetryAfter: boolean): string {
  const attempts = attempt === 1 ? "1 attempt" : `${attempt} attempts`;
  const wait = fromRetryAfter ? `the response asked to retry after ${formatSeconds(delayMs)} (Retry-After)` : `the next backoff is ${formatSeconds(delayMs)}`;
  return (
    `Gave up after ${attempts}, because ${wait} and only ${formatSeconds(Math.max(0, leftMs))} of the lookup's ` +
    `${formatSeconds(deadlineMs)} deadline remain; raise huaweicloud:lookupTimeout to wait longer.`
  );
}

function formatSeconds(ms: number): string {
  return `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)} s`;
}

function readWholeNumber(name: string, value: number | undefined, defaultValue: number, min: number, max: number): number {
  if (value === undefined) {
    return defaultValue;
  }
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new InvalidInputError(name, `EcsClient option ${name} must be a whole number from ${min} to ${max}, got ${String(value)}.`);
  }
  return value;
}
