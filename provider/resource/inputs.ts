import { ApiVersion } from "../client";
import { checkApiVersion, checkEndpoint, checkMetadataKey, checkProjectId, checkRegion, checkServerId, InputFailure } from "../settings";
import { IF_MISSING_VALUES, IfMissing, ServerMetadataKeyInputs } from "./types";

/** Placeholder the Pulumi engine sends for an input whose value is not known yet, as during a preview. */
export const UNKNOWN_VALUE = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/** Inputs that choose where the lookup goes; a change of any of them replaces the resource. */
export const TARGET_INPUT_NAMES = ["serverId", "key", "projectId", "region", "endpoint", "apiVersion"] as const;

/** Inputs that change what a lookup returns or how it is stored, without pointing it at another value. */
export const BEHAVIOUR_INPUT_NAMES = ["secret", "ifMissing", "defaultValue"] as const;

/** Names of the inputs of `ServerMetadataKey`; any other property is rejected. */
export const INPUT_NAMES = [...TARGET_INPUT_NAMES, ...BEHAVIOUR_INPUT_NAMES] as const;

/** Inputs whose change points the lookup at another value, so the resource is replaced. */
export const REPLACE_ON_CHANGE = TARGET_INPUT_NAMES;

const PROVIDER_PROPERTY = "__provider";

/** Result of {@link checkInputs}: the normalized inputs and the failures, in the shape `check` returns. */
export interface CheckedInputs {
  readonly inputs: Record<string, unknown>;
  readonly failures: InputFailure[];
}

/**
 * Validates raw inputs without sending anything and fills in the defaults: `apiVersion` `"v2.1"`,
 * `secret` `false`, `ifMissing` `"fail"` and `defaultValue` `null`. An input equal to
 * {@link UNKNOWN_VALUE} is passed through unchecked. No failure reason contains `defaultValue`,
 * which may be a secret.
 */
export function checkInputs(news: Record<string, unknown>): CheckedInputs {
  const failures: InputFailure[] = [];
  const inputs: Record<string, unknown> = {};

  for (const name of Object.keys(news)) {
    if (name !== PROVIDER_PROPERTY && !(INPUT_NAMES as readonly string[]).includes(name)) {
      failures.push({ property: name, reason: `"${name}" is not an input of ServerMetadataKey; its inputs are ${INPUT_NAMES.join(", ")}.` });
    }
  }

  const check = (name: string, reason: (value: unknown) => string | undefined) => {
    const value = news[name];
    if (value === UNKNOWN_VALUE) {
      inputs[name] = value;
      return;
    }
    const failure = reason(value);
    if (failure !== undefined) {
      failures.push({ property: name, reason: failure });
    }
    if (value !== undefined && value !== null) {
      inputs[name] = value;
    }
  };

  check("serverId", checkServerId);
  check("key", checkMetadataKey);
  check("projectId", (value) => checkOptionalString(value, "projectId", checkProjectId));
  check("region", (value) => checkOptionalString(value, "region", checkRegion));
  check("endpoint", (value) => checkOptionalString(value, "endpoint", checkEndpoint));
  check("apiVersion", (value) => (value === null ? undefined : checkApiVersion(value)));
  check("secret", checkSecret);
  check("ifMissing", checkIfMissing);
  check("defaultValue", checkDefaultValue);

  inputs.apiVersion ??= "v2.1" satisfies ApiVersion;
  inputs.secret ??= false;
  inputs.ifMissing ??= "fail" satisfies IfMissing;
  inputs.defaultValue ??= null;

  const defaultFailure = checkDefaultValuePresence(inputs.ifMissing, inputs.defaultValue);
  if (defaultFailure !== undefined) {
    failures.push(defaultFailure);
  }

  return { inputs, failures };
}

/** Returns the names of the inputs whose value is {@link UNKNOWN_VALUE}. */
export function unknownInputNames(inputs: Record<string, unknown>): string[] {
  return INPUT_NAMES.filter((name) => inputs[name] === UNKNOWN_VALUE);
}

/** Reads the lookup inputs from a property map whose values were checked by {@link checkInputs}. */
export function toLookupInputs(properties: Record<string, unknown>): ServerMetadataKeyInputs {
  const optional = (name: string) => {
    const value = properties[name];
    return typeof value === "string" ? value : undefined;
  };
  return {
    serverId: String(properties.serverId),
    key: String(properties.key),
    projectId: optional("projectId"),
    region: optional("region"),
    endpoint: optional("endpoint"),
    apiVersion: optional("apiVersion") as ApiVersion | undefined,
    secret: properties.secret === true,
    ifMissing: properties.ifMissing === "default" ? "default" : "fail",
    defaultValue: optional("defaultValue"),
  };
}

function checkOptionalString(
  value: unknown,
  property: string,
  reason: (value: string, property: string) => string | undefined,
): string | undefined {
  if (value === undefined || value === null) {
    return undefined;
  }
  if (typeof value !== "string") {
    return `${property} must be a string, not ${typeof value}.`;
  }
  return reason(value, property);
}

function checkSecret(value: unknown): string | undefined {
  if (value === undefined || value === null || typeof value === "boolean") {
    return undefined;
  }
  return `secret must be true or false, not ${JSON.stringify(value)}.`;
}

function checkIfMissing(value: unknown): string | undefined {
  if (value === undefined || value === null || (IF_MISSING_VALUES as readonly unknown[]).includes(value)) {
    return undefined;
  }
  return `ifMissing ${JSON.stringify(value)} is not supported; use "fail" (the default) to raise an error for a missing key, or "default" to return defaultValue.`;
}

function checkDefaultValue(value: unknown): string | undefined {
  if (value === undefined || value === null || typeof value === "string") {
    return undefined;
  }
  return `defaultValue must be a string, not ${typeof value}.`;
}

/** Requires `defaultValue` exactly when `ifMissing` is `"default"`, unless either is not known yet. */
function checkDefaultValuePresence(ifMissing: unknown, defaultValue: unknown): InputFailure | undefined {
  if (ifMissing === UNKNOWN_VALUE || defaultValue === UNKNOWN_VALUE) {
    return undefined;
  }
  if (ifMissing === "default" && defaultValue === null) {
    return {
      property: "defaultValue",
      reason: 'defaultValue is required when ifMissing is "default": set it to the value to return when the server has no such key.',
    };
  }
  if (ifMissing === "fail" && defaultValue !== null) {
    return {
      property: "defaultValue",
      reason: 'defaultValue is set but ifMissing is "fail", so it would never be used; set ifMissing: "default" to return it for a missing key.',
    };
  }
  return undefined;
}
