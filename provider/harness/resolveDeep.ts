import * as pulumi from "@pulumi/pulumi";

/** Output with the `promise` method that `@pulumi/pulumi` 3.276 defines on every Output but leaves out of its types. */
interface OutputWithPromise {
  promise(withUnknowns?: boolean): Promise<unknown>;
}

/**
 * Resolves stack outputs to plain values, walking the graph one value at a time as the Pulumi language host does:
 * it awaits Outputs and promises, walks into arrays and objects, and drops functions. A resource becomes an object
 * of its properties without the `__`-prefixed internal ones. A value that refers back to one of its ancestors
 * becomes `undefined`, or the URN for a resource. A rejected Output or promise rejects the result, so a failed
 * resource registration that a stack output depends on fails the run.
 */
export async function resolveDeep(value: unknown): Promise<unknown> {
  return resolveValue(value, []);
}

async function resolveValue(value: unknown, ancestors: object[]): Promise<unknown> {
  if (pulumi.Output.isInstance(value)) {
    // `apply` never runs its callback for a rejected Output, so awaiting the promise is the only way to see errors.
    return resolveValue(await (value as unknown as OutputWithPromise).promise(), ancestors);
  }
  if (isPromiseLike(value)) {
    return resolveValue(await value, ancestors);
  }
  if (typeof value === "function") {
    return undefined;
  }
  if (value === null || typeof value !== "object") {
    return value;
  }
  if (ancestors.includes(value)) {
    return pulumi.Resource.isInstance(value) ? resolveValue(value.urn, ancestors) : undefined;
  }

  ancestors.push(value);
  try {
    if (Array.isArray(value)) {
      const elements: unknown[] = [];
      for (const element of value) {
        elements.push(await resolveValue(element, ancestors));
      }
      return elements;
    }
    const isResource = pulumi.Resource.isInstance(value);
    const result: Record<string, unknown> = {};
    for (const [key, element] of Object.entries(value)) {
      if (!(isResource && key.startsWith("__"))) {
        result[key] = await resolveValue(element, ancestors);
      }
    }
    return result;
  } finally {
    ancestors.pop();
  }
}

function isPromiseLike(value: unknown): value is PromiseLike<unknown> {
  return (
    value !== null &&
    (typeof value === "object" || typeof value === "function") &&
    typeof (value as { then?: unknown }).then === "function"
  );
}
