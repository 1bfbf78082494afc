/** Settings of a {@link RateLimiter}. */
export interface RateLimiterOptions {
  /** Maximum number of requests started in any window of `windowMs`. */
  readonly maxRequestsPerWindow: number;
  /** Length of the sliding window in milliseconds; 1,000 unless set. */
  readonly windowMs?: number;
  /** Maximum number of requests in flight at once. */
  readonly maxConcurrent: number;
  /** Clock in milliseconds; `Date.now` unless set. */
  readonly now?: () => number;
}

/**
 * Limits the start rate and the concurrency of requests to one endpoint.
 *
 * The rate limit is a sliding-window log rather than a token bucket: a request starts only when
 * fewer than `maxRequestsPerWindow` requests started in the last `windowMs`, so no window of that
 * length, wherever it begins, contains more. A token bucket allows up to twice its rate across a refill
 * boundary, which is what makes a gateway throttle.
 */
export class RateLimiter {
  private readonly maxRequests: number;
  private readonly windowMs: number;
  private readonly maxConcurrent: number;
  private readonly now: () => number;
  private readonly startTimes: number[] = [];
  private readonly waiting: Array<() => void> = [];
  private inFlight = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(options: RateLimiterOptions) {
    if (!Number.isInteger(options.maxRequestsPerWindow) || options.maxRequestsPerWindow < 1) {
      throw new RangeError(`maxRequestsPerWindow must be a positive integer, not ${options.maxRequestsPerWindow}`);
    }
    if (!Number.isInteger(options.maxConcurrent) || options.maxConcurrent < 1) {
      throw new RangeError(`maxConcurrent must be a positive integer, not ${options.maxConcurrent}`);
    }
    this.maxRequests = options.maxRequestsPerWindow;
    this.windowMs = options.windowMs ?? 1000;
    this.maxConcurrent = options.maxConcurrent;
    this.now = options.now ?? Date.now;
  }

  /** Runs `task` once both limits allow it, and frees its place when it settles. */
  async schedule<T>(task: () => Promise<T>): Promise<T> {
    await new Promise<void>((resolve) => {
      this.waiting.push(resolve);
      this.release();
    });
    try {
      return await task();
    } finally {
      this.inFlight -= 1;
      this.release();
    }
  }

  /** Starts as many waiting tasks as the limits allow, and sets a timer for when the window frees a place. */
  private release(): void {
    while (this.waiting.length > 0 && this.inFlight < this.maxConcurrent) {
      const now = this.now();
      this.dropExpired(now);
      if (this.startTimes.length >= this.maxRequests) {
        this.wakeWhenWindowFrees(now);
        return;
      }

      this.startTimes.push(now);
      this.inFlight += 1;
      this.waiting.shift()!();
    }
  }

  private dropExpired(now: number): void {
    while (this.startTimes.length > 0 && this.startTimes[0] <= now - this.windowMs) {
      this.startTimes.shift();
    }
  }

  private wakeWhenWindowFrees(now: number): void {
    if (this.timer !== undefined) {
      return;
    }
    // One extra millisecond, so that the oldest start has left the window when the timer fires.
    const delay = this.startTimes[0] + this.windowMs - now + 1;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.release();
    }, delay);
  }
}
