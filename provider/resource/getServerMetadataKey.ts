import * as pulumi from "@pulumi/pulumi";

import { createConfigSource, createEnvironmentSource } from "../settings";
import { checkInputs } from "./inputs";
import { lookupServerMetadataKey } from "./lookup";
import { GetServerMetadataKeyArgs, GetServerMetadataKeyOutputArgs, GetServerMetadataKeyResult } from "./types";

/**
 * Looks up one metadata key in the program's own process, with the same validation, settings and
 * credentials as {@link ServerMetadataKey}. Dynamic providers cannot serve invokes, so this is a
 * plain function rather than a provider call.
 */
export async function getServerMetadataKey(args: GetServerMetadataKeyArgs): Promise<GetServerMetadataKeyResult> {
  const { inputs, failures } = checkInputs({ ...args });
  if (failures.length > 0) {
    throw new Error(`getServerMetadataKey: invalid arguments: ${failures.map((failure) => failure.reason).join(" ")}`);
  }

  const sources = [createConfigSource((key) => pulumi.runtime.getConfig(key)), createEnvironmentSource(process.env)];
  return lookupServerMetadataKey(inputs as unknown as GetServerMetadataKeyArgs, sources);
}

/** Output form of {@link getServerMetadataKey}: waits for every argument and returns the result as an Output. */
export function getServerMetadataKeyOutput(args: GetServerMetadataKeyOutputArgs): pulumi.Output<GetServerMetadataKeyResult> {
  return pulumi.output(args).apply((resolved) => getServerMetadataKey(resolved as GetServerMetadataKeyArgs));
}
