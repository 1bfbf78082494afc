import * as pulumi from "@pulumi/pulumi";

import { UNKNOWN_VALUE, type PropertyMap } from "./dynamicProviderClient";

/** Resource options of one registration, as the program sent them to the resource monitor. */
export interface RegistrationOptions {
  /** URN of the parent resource, or `undefined` for a resource whose parent is the stack. */
  readonly parent: string | undefined;
  /** URNs of the resources named in `dependsOn`, or that an input depends on. */
  readonly dependencies: readonly string[];
  /** Whether `protect` is set. */
  readonly protect: boolean;
  /** Property paths of `ignoreChanges`. */
  readonly ignoreChanges: readonly string[];
  /** Output names of `additionalSecretOutputs`. */
  readonly additionalSecretOutputs: readonly string[];
  /** Number of aliases the program gave. */
  readonly aliasCount: number;
  /** Id of the `import` option, or `undefined`. */
  readonly importId: string | undefined;
}

/** Options of a registration that carries none, such as a read by `get`. */
export const NO_OPTIONS: RegistrationOptions = {
  parent: undefined,
  dependencies: [],
  protect: false,
  ignoreChanges: [],
  additionalSecretOutputs: [],
  aliasCount: 0,
  importId: undefined,
};

/** The parts of a `RegisterResourceRequest` or `ReadResourceRequest` that {@link readRegistrationOptions} reads. */
interface RegistrationRequest {
  getParent(): string;
  getDependenciesList(): string[];
  getProtect?(): boolean;
  getIgnorechangesList?(): string[];
  getAdditionalsecretoutputsList(): string[];
  getAliasesList?(): unknown[];
  getAliasspecs?(): boolean;
  getImportid?(): string;
}

/** Reads the resource options from a registration request of the resource monitor protocol. */
export function readRegistrationOptions(request: RegistrationRequest): RegistrationOptions {
  const parent = request.getParent();
  const importId = request.getImportid?.();
  return {
    parent: parent === "" ? undefined : parent,
    dependencies: request.getDependenciesList(),
    protect: request.getProtect?.() ?? false,
    ignoreChanges: request.getIgnorechangesList?.() ?? [],
    additionalSecretOutputs: request.getAdditionalsecretoutputsList(),
    aliasCount: request.getAliasesList?.().length ?? 0,
    importId: importId === undefined || importId === "" ? undefined : importId,
  };
}

/**
 * Builds the URN that the engine gives a resource: a child's type is its parent's qualified type,
 * `$`, and its own type.
 */
export function makeResourceUrn(stack: string, project: string, type: string, name: string, parent: string | undefined): string {
  let qualifiedType = type;
  if (parent !== undefined) {
    const parentQualifiedType = parent.split("::")[2];
    // The stack resource is the implicit parent of top-level resources and does not prefix their type.
    if (parentQualifiedType !== undefined && parentQualifiedType !== "pulumi:pulumi:Stack") {
      qualifiedType = `${parentQualifiedType}$${type}`;
    }
  }
  return `urn:pulumi:${stack}::${project}::${qualifiedType}::${name}`;
}

/**
 * Converts inputs that the mock monitor deserialized into what the engine sends a provider that
 * accepts no secrets: an unknown value becomes the engine's placeholder string, and a secret its plain
 * value. Returns the converted inputs and the names of the top-level inputs that were secrets.
 */
export function toEngineInputs(inputs: PropertyMap): { inputs: PropertyMap; secretInputs: string[] } {
  const secretInputs = Object.keys(inputs).filter((name) => pulumi.runtime.isRpcSecret(inputs[name]));
  return { inputs: toEngineValue(inputs) as PropertyMap, secretInputs };
}

function toEngineValue(value: unknown): unknown {
  if (pulumi.isUnknown(value)) {
    return UNKNOWN_VALUE;
  }
  if (pulumi.runtime.isRpcSecret(value)) {
    return toEngineValue(pulumi.runtime.unwrapRpcSecret(value));
  }
  if (Array.isArray(value)) {
    return value.map(toEngineValue);
  }
  if (value !== null && typeof value === "object" && !pulumi.Resource.isInstance(value)) {
    return Object.fromEntries(Object.entries(value).map(([key, element]) => [key, toEngineValue(element)]));
  }
  return value;
}

/** Returns whether a value is or contains the engine's placeholder for an unknown value. */
export function containsUnknown(value: unknown): boolean {
  if (value === UNKNOWN_VALUE) {
    return true;
  }
  if (Array.isArray(value)) {
    return value.some(containsUnknown);
  }
  if (value !== null && typeof value === "object") {
    return Object.values(value).some(containsUnknown);
  }
  return false;
}
