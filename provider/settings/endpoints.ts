import { InvalidInputError } from "../client";
import { checkEndpoint, checkRegion } from "./validation";

/** Cloud domain of the default endpoints `https://{service}.{region}.{cloud}`. */
export const DEFAULT_CLOUD = "myhuaweicloud.com";

/** Cloud domain of the European regions, whose names start with {@link EUROPE_REGION_PREFIX}. */
export const EUROPE_CLOUD = "myhuaweicloud.eu";

/**
 * Region name prefix of the regions served under {@link EUROPE_CLOUD}, such as `eu-west-101`.
 * terraform-provider-huaweicloud (`huaweicloud/provider.go`) applies the same rule.
 */
export const EUROPE_REGION_PREFIX = "eu-west-1";

const CLOUD_PATTERN = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]*[a-z0-9]$/;
const SERVICE_NAME_PATTERN = /^[a-z][a-z0-9_]*$/;

/** Endpoints of the services a lookup uses. */
export interface ServiceEndpoints {
  /** ECS endpoint without a trailing `/`, such as `https://ecs.cn-north-4.myhuaweicloud.com`. */
  readonly ecs: string;
  /**
   * IAM endpoint including its `/v3` path, such as `https://iam.cn-north-4.myhuaweicloud.com/v3`;
   * `undefined` when no region, `authUrl` or `iam` override sets it.
   */
  readonly iam?: string;
}

/** Settings that choose the endpoints, each with the name it was read under for error messages. */
export interface EndpointSettings {
  /** Region, or `undefined` when none is set. */
  readonly region?: string;
  /** Cloud domain such as `myhuaweicloud.com`; chosen from the region when unset. */
  readonly cloud?: { readonly value: string; readonly name: string };
  /** Parsed per-service overrides from {@link parseEndpointOverrides}. */
  readonly overrides?: Readonly<Record<string, string>>;
  /** IAM endpoint given directly (`huaweicloud:authUrl`); wins over the `iam` override. */
  readonly authUrl?: { readonly value: string; readonly name: string };
  /** ECS endpoint given as a per-resource input; wins over the `ecs` override. */
  readonly ecsInput?: string;
}

/**
 * Normalises an endpoint as terraform-provider-huaweicloud does: adds `https://` when the value has
 * no scheme and drops trailing `/` characters.
 */
export function normalizeEndpoint(value: string): string {
  const trimmed = value.trim();
  const withScheme = /^[a-zA-Z][a-zA-Z0-9+.-]*:\/\//.test(trimmed) ? trimmed : `https://${trimmed}`;
  return withScheme.replace(/\/+$/, "");
}

/** Returns the cloud domain of a region when none is set: {@link EUROPE_CLOUD} for `eu-west-1*`, else {@link DEFAULT_CLOUD}. */
export function defaultCloudOf(region: string): string {
  return region.startsWith(EUROPE_REGION_PREFIX) ? EUROPE_CLOUD : DEFAULT_CLOUD;
}

/** Returns why a cloud domain is invalid, or `undefined` when it is a lower-case DNS name such as `myhuaweicloud.com`. */
export function checkCloud(value: string, property: string): string | undefined {
  if (!CLOUD_PATTERN.test(value)) {
    return `${property} "${value}" is not a cloud domain such as ${DEFAULT_CLOUD} or ${EUROPE_CLOUD}: give a lower-case DNS name without a scheme, port or path.`;
  }
  return undefined;
}

/**
 * Parses the `endpoints` setting, a JSON object (or its text) that maps service names such as `ecs`
 * and `iam` to URLs. Each URL is normalised with {@link normalizeEndpoint} and checked.
 *
 * @param name - Name the setting was read under, such as `huaweicloud:endpoints`.
 * @throws {@link InvalidInputError} naming the setting and the service for any invalid entry.
 */
export function parseEndpointOverrides(value: unknown, name: string): Record<string, string> {
  const example = `set it like {"ecs": "https://ecs.cn-north-4.${DEFAULT_CLOUD}"}`;
  let parsed: unknown = value;
  if (typeof value === "string") {
    try {
      parsed = JSON.parse(value);
    } catch {
      throw new InvalidInputError(name, `${name} is not a JSON object; ${example}.`);
    }
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    throw new InvalidInputError(name, `${name} is not a map of service names to URLs; ${example}.`);
  }

  const overrides: Record<string, string> = {};
  for (const [service, url] of Object.entries(parsed)) {
    if (!SERVICE_NAME_PATTERN.test(service)) {
      throw new InvalidInputError(name, `${name} has the service name "${service}"; use lower-case service names such as ecs and iam.`);
    }
    if (typeof url !== "string" || url.trim() === "") {
      throw new InvalidInputError(name, `${name}.${service} is not a URL string; set it to the ${service.toUpperCase()} endpoint URL.`);
    }
    const endpoint = normalizeEndpoint(url);
    throwIfInvalid(name, checkEndpoint(endpoint, `${name}.${service}`));
    overrides[service] = endpoint;
  }
  return overrides;
}

/**
 * Resolves the ECS and IAM endpoints. ECS: the input, else the `ecs` override, else
 * `https://ecs.{region}.{cloud}`. IAM: `authUrl`, else the `iam` override with `/v3` added when it
 * has no path, else `https://iam.{region}.{cloud}/v3`, else none. The cloud domain is the `cloud` setting, else
 * {@link defaultCloudOf} the region. Every value is checked before it is returned, so no request
 * goes to a malformed URL.
 *
 * @throws {@link InvalidInputError} for an invalid region, cloud or URL, and when the ECS endpoint
 * needs a region that is not set.
 */
export function resolveServiceEndpoints(settings: EndpointSettings): ServiceEndpoints {
  const region = settings.region;
  if (region !== undefined) {
    throwIfInvalid("region", checkRegion(region, "region"));
  }
  if (settings.cloud !== undefined) {
    throwIfInvalid(settings.cloud.name, checkCloud(settings.cloud.value, settings.cloud.name));
  }
  const cloud = settings.cloud?.value ?? (region === undefined ? DEFAULT_CLOUD : defaultCloudOf(region));

  const ecs = settings.ecsInput !== undefined ? normalizeEndpoint(settings.ecsInput) : (settings.overrides?.ecs ?? regionalEndpoint("ecs", region, cloud));
  throwIfInvalid("endpoint", checkEndpoint(ecs, settings.ecsInput !== undefined ? "endpoint" : "ECS endpoint"));

  let iam: string | undefined;
  if (settings.authUrl !== undefined) {
    iam = normalizeEndpoint(settings.authUrl.value);
    throwIfInvalid(settings.authUrl.name, checkEndpoint(iam, settings.authUrl.name));
  } else if (settings.overrides?.iam !== undefined) {
    iam = withIdentityVersion(settings.overrides.iam);
  } else if (region !== undefined) {
    iam = `${regionalEndpoint("iam", region, cloud)}/v3`;
  }
  return iam === undefined ? { ecs } : { ecs, iam };
}

/** Adds `/v3` to an IAM endpoint that has no path, since the IAM calls live under `/v3`. */
function withIdentityVersion(endpoint: string): string {
  return new URL(endpoint).pathname === "/" ? `${endpoint}/v3` : endpoint;
}

function regionalEndpoint(service: string, region: string | undefined, cloud: string): string {
  if (region === undefined) {
    throw new InvalidInputError(
      "region",
      `No region is set, so the ${service.toUpperCase()} endpoint is unknown. Set huaweicloud:region or HW_REGION_NAME to a region such as cn-north-4, ` +
        `or set huaweicloud:endpoints to {"${service}": "https://..."}.`,
    );
  }
  return `https://${service}.${region}.${cloud}`;
}

function throwIfInvalid(property: string, reason: string | undefined): void {
  if (reason !== undefined) {
    throw new InvalidInputError(property, reason);
  }
}
