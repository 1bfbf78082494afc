import * as pulumi from "@pulumi/pulumi";

import { resolveDeep } from "../../provider/harness";

describe("resolveDeep", () => {
  it("resolves nested Outputs and promises", async () => {
    const value = { a: pulumi.output(1), b: [Promise.resolve("two"), { c: pulumi.output(Promise.resolve([3])) }], d: null };

    await expect(resolveDeep(value)).resolves.toEqual({ a: 1, b: ["two", { c: [3] }], d: null });
  });

  it("resolves Outputs inside an Output", async () => {
    await expect(resolveDeep(pulumi.output({ inner: pulumi.output("x") }))).resolves.toEqual({ inner: "x" });
  });

  it("drops functions", async () => {
    await expect(resolveDeep({ keep: 1, drop: () => 2 })).resolves.toEqual({ keep: 1, drop: undefined });
  });

  it("keeps __-prefixed keys of plain objects", async () => {
    await expect(resolveDeep({ __provider: "text" })).resolves.toEqual({ __provider: "text" });
  });

  it("replaces a reference cycle with undefined", async () => {
    const cyclic: Record<string, unknown> = { name: "loop" };
    cyclic.self = cyclic;

    await expect(resolveDeep(cyclic)).resolves.toEqual({ name: "loop", self: undefined });
  });

  it("keeps a shared object", async () => {
    const shared = { n: 1 };

    await expect(resolveDeep({ first: shared, second: shared })).resolves.toEqual({ first: { n: 1 }, second: { n: 1 } });
  });

  it("rejects when an Output rejects", async () => {
    const failing = pulumi.output(Promise.reject(new Error("registration failed")));
    // The Output's internal promises, such as isKnown, reject too. Handle them here because jest fails a test on
    // any unhandled rejection. resolveDeep must still see the rejection through the value.
    for (const member of Object.values(failing)) {
      if (member instanceof Promise) {
        member.catch(() => undefined);
      }
    }

    await expect(resolveDeep({ nested: [failing] })).rejects.toThrow("registration failed");
  });

  it("rejects when a promise rejects", async () => {
    await expect(resolveDeep([Promise.reject(new Error("lookup failed"))])).rejects.toThrow("lookup failed");
  });
});
