import { RateLimiter } from "./rateLimiter";

function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((done) => (resolve = done));
  return { promise, resolve };
}

describe("RateLimiter", () => {
  it("never starts more than the limit in any window", async () => {
    // Fake timers and a fake Date make the check exact, whatever the machine's load.
    jest.useFakeTimers();
    try {
      const limiter = new RateLimiter({ maxRequestsPerWindow: 5, windowMs: 100, maxConcurrent: 100, now: () => Date.now() });
      const starts: number[] = [];
      const runs = Array.from({ length: 23 }, () =>
        limiter.schedule(async () => {
          starts.push(Date.now());
        }),
      );

      await jest.advanceTimersByTimeAsync(1_000);
      await Promise.all(runs);

      expect(starts).toHaveLength(23);
      for (const start of starts) {
        const inWindow = starts.filter((other) => other >= start && other < start + 100).length;
        expect(inWindow).toBeLessThanOrEqual(5);
      }
    } finally {
      jest.useRealTimers();
    }
  });

  it("starts every task in the end", async () => {
    const limiter = new RateLimiter({ maxRequestsPerWindow: 3, windowMs: 50, maxConcurrent: 2 });
    const results = await Promise.all(Array.from({ length: 10 }, (_, index) => limiter.schedule(async () => index)));
    expect(results).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it("keeps at most maxConcurrent tasks in flight", async () => {
    const limiter = new RateLimiter({ maxRequestsPerWindow: 1000, maxConcurrent: 3 });
    const gates = Array.from({ length: 8 }, deferred);
    let inFlight = 0;
    let maxInFlight = 0;

    const runs = gates.map((gate) =>
      limiter.schedule(async () => {
        inFlight += 1;
        maxInFlight = Math.max(maxInFlight, inFlight);
        await gate.promise;
        inFlight -= 1;
      }),
    );
    for (const gate of gates) {
      await new Promise((resolve) => setTimeout(resolve, 5));
      gate.resolve();
    }
    await Promise.all(runs);

    expect(maxInFlight).toBe(3);
  });

  it("frees a place when a task fails", async () => {
    const limiter = new RateLimiter({ maxRequestsPerWindow: 100, maxConcurrent: 1 });
    await expect(limiter.schedule(() => Promise.reject(new Error("boom")))).rejects.toThrow("boom");
    await expect(limiter.schedule(async () => "next")).resolves.toBe("next");
  });

  it("rejects a limit below one", () => {
    expect(() => new RateLimiter({ maxRequestsPerWindow: 0, maxConcurrent: 1 })).toThrow(RangeError);
  });
});
