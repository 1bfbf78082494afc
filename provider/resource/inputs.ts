import { ApiVersion } from "../client";
import { checkApiVersion, checkEndpoint, checkMetadataKey, checkProjectId, checkRegion, checkServerId, InputFailure } from "../settings";
import { ServerMetadataKeyInputs } from "./types";

/** Placeholder the Pulumi engine sends for an input whose value is not known yet, as during a preview. */
export const UNKNOWN_VALUE = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/** Names of the inputs of `ServerMetadataKey`; any other property is rejected. */
export const INPUT_NAMES = ["serverId", "key", "projectId", "region", "endpoint", "apiVersion"] as const;

/** Inputs whose change points the lookup at another value, so the resource is replaced. */
export const REPLACE_ON_CHANGE = INPUT_NAMES;

const PROVIDER_PROPERTY = "__provider";

/** Result of {@link checkInputs}: the normalized inputs and the failures, in the shape `check` returns. */
export interface CheckedInputs {
  readonly inputs: Record<string, unknown>;
  readonly failures: InputFailure[];
}

/**
 * Validates raw inputs without sending anything, and fills in the default `apiVersion`. An input
 * equal to {@link UNKNOWN_VALUE} is passed through unchecked.
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
  if (inputs.apiVersion === undefined) {
    inputs.apiVersion = "v2.1" satisfies ApiVersion;
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
