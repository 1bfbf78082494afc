import { ApiVersion, InvalidInputError, MetadataKeyTarget } from "../client";
import { AkSkCredentials } from "../signer";
import { SettingName, SettingsSource } from "./sources";
import { checkEndpoint, checkProjectId, checkRegion } from "./validation";

/** Per-lookup inputs that choose the target; secrets are never among them. */
export interface TargetInputs {
  readonly serverId: string;
  readonly key: string;
  readonly apiVersion?: ApiVersion;
  readonly projectId?: string;
  readonly region?: string;
  readonly endpoint?: string;
}

/** Where a lookup goes, with every optional input filled in from settings. */
export interface ResolvedTarget extends MetadataKeyTarget {
  /** Region, or `null` when the endpoint was given directly and no region was set anywhere. */
  readonly region: string | null;
  /** ECS endpoint the request goes to. */
  readonly endpoint: string;
}

/** Default ECS API version of a lookup. */
export const DEFAULT_API_VERSION: ApiVersion = "v2.1";

/** Domain of the default endpoint `https://ecs.{region}.{domain}`. */
export const DEFAULT_CLOUD_DOMAIN = "myhuaweicloud.com";

/** Error raised when a required setting is found in none of the places looked at. */
export class MissingSettingError extends InvalidInputError {}

/**
 * Resolves the target of a lookup: each of `projectId`, `region` and `endpoint` comes from the input
 * when set, else from the first source that has it. The endpoint defaults to
 * `https://ecs.{region}.myhuaweicloud.com`, unless the `endpoints` setting has an `ecs` entry.
 */
export function resolveTarget(inputs: TargetInputs, sources: readonly SettingsSource[]): ResolvedTarget {
  const region = inputs.region ?? findSetting(sources, "region")?.value;
  if (region !== undefined) {
    throwIfInvalid("region", checkRegion(region, inputs.region !== undefined ? "region" : describeFound(sources, "region")));
  }

  const projectId = inputs.projectId ?? findSetting(sources, "projectId")?.value;
  if (projectId === undefined) {
    throw new MissingSettingError(
      "projectId",
      `No project id is set. Set the projectId input, or ${describePlaces(sources, "projectId")}, to the 32-character id of the project that holds the server.`,
    );
  }
  throwIfInvalid("projectId", checkProjectId(projectId, inputs.projectId !== undefined ? "projectId" : describeFound(sources, "projectId")));

  const endpoint = inputs.endpoint ?? findEcsEndpointOverride(sources) ?? defaultEndpoint(region, sources);
  throwIfInvalid("endpoint", checkEndpoint(endpoint, inputs.endpoint !== undefined ? "endpoint" : "ECS endpoint"));

  return {
    serverId: inputs.serverId,
    key: inputs.key,
    apiVersion: inputs.apiVersion ?? DEFAULT_API_VERSION,
    projectId,
    region: region ?? null,
    endpoint: endpoint.replace(/\/+$/, ""),
  };
}

/**
 * Resolves AK/SK credentials from the first source that sets an access key. Taking the access key,
 * the secret key and the security token from one source keeps a pair from two places from mixing.
 */
export function resolveCredentials(sources: readonly SettingsSource[]): AkSkCredentials {
  for (const source of sources) {
    const accessKey = source.get("accessKey");
    if (accessKey === undefined) {
      continue;
    }

    const secretKey = source.get("secretKey");
    if (secretKey === undefined) {
      throw new MissingSettingError(
        "secretKey",
        `${source.description} sets the access key ${source.nameOf("accessKey")} (id ${accessKey}) but not the secret key ${source.nameOf("secretKey")}; set both in the same place.`,
      );
    }
    const securityToken = source.get("securityToken");
    return securityToken === undefined ? { accessKey, secretKey } : { accessKey, secretKey, securityToken };
  }

  const places = sources.map((source) => `${source.description} (${source.nameOf("accessKey")} and ${source.nameOf("secretKey")})`);
  throw new MissingSettingError(
    "accessKey",
    `No Huawei Cloud credentials found. Looked at: ${places.join("; ")}. ` +
      `Set them with "pulumi config set huaweicloud:accessKey <id>" and "pulumi config set --secret huaweicloud:secretKey <key>", or export HW_ACCESS_KEY and HW_SECRET_KEY.`,
  );
}

function findSetting(sources: readonly SettingsSource[], setting: SettingName): { value: string; source: SettingsSource } | undefined {
  for (const source of sources) {
    const value = source.get(setting);
    if (value !== undefined) {
      return { value, source };
    }
  }
  return undefined;
}

function findEcsEndpointOverride(sources: readonly SettingsSource[]): string | undefined {
  const found = findSetting(sources, "endpoints");
  if (!found) {
    return undefined;
  }

  const name = found.source.nameOf("endpoints");
  let endpoints: unknown;
  try {
    endpoints = JSON.parse(found.value);
  } catch {
    throw new InvalidInputError("endpoints", `${name} is not a JSON object; set it like {"ecs": "https://ecs.cn-north-4.myhuaweicloud.com"}.`);
  }
  if (typeof endpoints !== "object" || endpoints === null || Array.isArray(endpoints)) {
    throw new InvalidInputError("endpoints", `${name} is not a map of service names to URLs; set it like {"ecs": "https://ecs.cn-north-4.myhuaweicloud.com"}.`);
  }

  const ecs = (endpoints as Record<string, unknown>).ecs;
  if (ecs === undefined) {
    return undefined;
  }
  if (typeof ecs !== "string") {
    throw new InvalidInputError("endpoints", `${name}.ecs is not a string; set it to the ECS endpoint URL.`);
  }
  return normalizeEndpoint(ecs);
}

/** Adds `https://` to an endpoint without a scheme, as terraform-provider-huaweicloud does. */
function normalizeEndpoint(value: string): string {
  return /^[a-zA-Z][a-zA-Z0-9+.-]*:\/\//.test(value) ? value : `https://${value}`;
}

function defaultEndpoint(region: string | undefined, sources: readonly SettingsSource[]): string {
  if (region === undefined) {
    throw new MissingSettingError(
      "region",
      `No region is set, so the ECS endpoint is unknown. Set the region input, or ${describePlaces(sources, "region")}, to a region such as cn-north-4; or set the endpoint input.`,
    );
  }
  return `https://ecs.${region}.${DEFAULT_CLOUD_DOMAIN}`;
}

function describePlaces(sources: readonly SettingsSource[], setting: SettingName): string {
  const names = sources.map((source) => source.nameOf(setting)).filter((name): name is string => name !== undefined);
  return names.join(" or ");
}

function describeFound(sources: readonly SettingsSource[], setting: SettingName): string {
  return findSetting(sources, setting)?.source.nameOf(setting) ?? setting;
}

function throwIfInvalid(property: string, reason: string | undefined): void {
  if (reason !== undefined) {
    throw new InvalidInputError(property, reason);
  }
}
