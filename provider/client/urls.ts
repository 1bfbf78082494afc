import { encodeRfc3986 } from "../signer";
import { InvalidInputError } from "./errors";

/** ECS API versions that serve the metadata calls; both share one host. */
export const API_VERSIONS = ["v2.1", "v2"] as const;

/** One of {@link API_VERSIONS}. */
export type ApiVersion = (typeof API_VERSIONS)[number];

/** Target of one metadata key lookup. */
export interface MetadataKeyTarget {
  readonly apiVersion: ApiVersion;
  readonly projectId: string;
  readonly serverId: string;
  readonly key: string;
}

/**
 * Builds the path `/{version}/{project_id}/servers/{server_id}/metadata/{key}` with every segment
 * percent-encoded, so a key with a space or `:` arrives intact.
 */
export function buildMetadataKeyPath(target: MetadataKeyTarget): string {
  const segments = [target.apiVersion, target.projectId, "servers", target.serverId, "metadata", target.key];
  return "/" + segments.map(encodeRfc3986).join("/");
}

/**
 * Builds the absolute URL of a metadata key and checks that URL parsing kept the path exactly as
 * built. The WHATWG URL parser resolves `.` and `..` segments (also when written `%2E`), so a key
 * made only of dots would reach another path; such a key is rejected here as a last guard.
 */
export function buildMetadataKeyUrl(endpoint: string, target: MetadataKeyTarget): URL {
  const base = new URL(endpoint);
  const basePath = base.pathname.replace(/\/+$/, "");
  const path = basePath + buildMetadataKeyPath(target);

  const url = new URL(base.origin + path);
  if (url.pathname !== path) {
    throw new InvalidInputError(
      "key",
      `Metadata key "${target.key}" cannot be sent as one path segment: the URL ${path} becomes ${url.pathname}. ` +
        "Use a key that is not only dots.",
    );
  }
  return url;
}
