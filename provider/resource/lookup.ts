import { EcsClient } from "../client";
import { resolveCredentials, resolveTarget, SettingsSource, TargetInputs } from "../settings";
import { ServerMetadataKeyOutputs } from "./types";

/** `User-Agent` of every request, so that support can tell this package's calls apart. */
export const USER_AGENT = `pulumi-ecs-metadata/${(require("../../package.json") as { version: string }).version}`;

/**
 * Looks up one metadata key: resolves the target and credentials from the inputs and the sources,
 * sends one signed `GET`, and returns the value with the resolved target.
 */
export async function lookupServerMetadataKey(
  inputs: TargetInputs,
  sources: readonly SettingsSource[],
): Promise<ServerMetadataKeyOutputs> {
  const target = resolveTarget(inputs, sources);
  const credentials = resolveCredentials(sources);

  const client = new EcsClient({ endpoint: target.endpoint, credentials, userAgent: USER_AGENT });
  const value = await client.getMetadataKey(target);

  return {
    serverId: target.serverId,
    key: target.key,
    projectId: target.projectId,
    region: target.region,
    endpoint: target.endpoint,
    apiVersion: target.apiVersion,
    value,
  };
}
