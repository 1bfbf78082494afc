import { encodeRfc3986 } from "../signer";
import { InvalidInputError } from "./errors";

/** ECS API versions that serve the metadata calls; both share one host. */
export const API_VERSIONS = ["v2.1", "v2"] as const;

/** One of {@link API_VERSIONS}. */
export type ApiVersion = (typeof API_VERSIONS)[number];

/** Server whose metadata a request reads. */
export interface ServerTarget {
  readonly apiVersion: ApiVersion;
  readonly projectId: string;
  readonly serverId: string;
}

/** Target of one metadata key lookup. */
export interface MetadataKeyTarget extends ServerTarget {
  readonly key: string;
}

/**
 * Builds the path `/{version}/{project_id}/servers/{server_id}/metadata/{key}` with every segment
 * percent-encoded, so a key with a space or `:` arrives intact.
 */
export function buildMetadataKeyPath(target: MetadataKeyTarget): string {
  return buildPath([target.apiVersion, target.projectId, "servers", target.serverId, "metadata", target.key]);
}

/** Builds the path `/{version}/{project_id}/servers/{server_id}/metadata` of all a server's pairs. */
export function buildMetadataPath(target: ServerTarget): string {
  return buildPath([target.apiVersion, target.projectId, "servers", target.serverId, "metadata"]);
}

/**
 * Builds the absolute URL of a metadata key and checks that URL parsing kept the path exactly as
 * built. The WHATWG URL parser resolves `.` and `..` segments (also when written `%2E`), so a key,
 * server id or project id made only of dots would reach another path. Such a value is rejected here
 * as a last guard, after the input checks of the settings layer.
 */
export function buildMetadataKeyUrl(endpoint: string, target: MetadataKeyTarget): URL {
  checkSegments(target);
  return buildGuardedUrl(endpoint, buildMetadataKeyPath(target));
}

/** Builds the absolute URL of all a server's metadata pairs, with the same guard as {@link buildMetadataKeyUrl}. */
export function buildMetadataUrl(endpoint: string, target: ServerTarget): URL {
  checkSegments(target);
  return buildGuardedUrl(endpoint, buildMetadataPath(target));
}

function buildPath(segments: readonly string[]): string {
  return "/" + segments.map(encodeRfc3986).join("/");
}

/** Rejects values that cannot be sent as one path segment: unpaired surrogates, empty values and dot segments. */
function checkSegments(target: ServerTarget | MetadataKeyTarget): void {
  if (!(API_VERSIONS as readonly string[]).includes(target.apiVersion)) {
    throw new InvalidInputError("apiVersion", `apiVersion ${JSON.stringify(target.apiVersion)} is not supported; use "v2.1" or "v2".`);
  }
  for (const [property, value] of segmentValues(target)) {
    if (typeof value !== "string" || /\p{Cs}/u.test(value)) {
      throw new InvalidInputError(property, `${property} must be a string of whole Unicode characters; it contains an unpaired UTF-16 surrogate or is not a string.`);
    }
    if (value === "" || /^\.{1,2}$/.test(value)) {
      throw new InvalidInputError(
        property,
        `${property} ${JSON.stringify(value)} cannot be sent as one URL path segment, because URLs treat "", "." and ".." as directory references. ` +
          `Use a ${property} that is not empty and not only one or two dots.`,
      );
    }
  }
}

function buildGuardedUrl(endpoint: string, targetPath: string): URL {
  const base = new URL(endpoint);
  const basePath = base.pathname.replace(/\/+$/, "");
  const path = basePath + targetPath;

  const url = new URL(base.origin + path);
  if (url.pathname !== path) {
    throw new InvalidInputError("endpoint", `The request path ${path} becomes ${url.pathname} when parsed as a URL; check the endpoint's path.`);
  }
  return url;
}

function segmentValues(target: ServerTarget | MetadataKeyTarget): [string, string][] {
  const values: [string, string][] = [
    ["projectId", target.projectId],
    ["serverId", target.serverId],
  ];
  if ("key" in target) {
    values.push(["key", target.key]);
  }
  return values;
}
