import { homedir } from "node:os";

import * as pulumi from "@pulumi/pulumi";

import { InvalidInputError } from "../client";
import { defaultSources } from "../settings/defaultSources";
import { pulumiDebugLogger } from "./debugLogger";
import { checkInputs, toLookupInputs } from "./inputs";
import { lookupServerMetadataKey } from "./lookup";
import { GetServerMetadataKeyArgs, GetServerMetadataKeyOutputArgs, GetServerMetadataKeyResult } from "./types";

/**
 * Looks up one metadata key in the program's own process, with the same validation, settings and
 * credentials as {@link ServerMetadataKey}. Dynamic providers cannot serve invokes, so this is a
 * plain function rather than a provider call. `secret` has no effect on the returned plain value;
 * use {@link getServerMetadataKeyOutput} to get a secret.
 */
export async function getServerMetadataKey(args: GetServerMetadataKeyArgs): Promise<GetServerMetadataKeyResult> {
  const { inputs, failures } = checkInputs({ ...args });
  if (failures.length > 0) {
    throw new InvalidInputError(failures[0].property, `getServerMetadataKey: invalid arguments: ${failures.map((failure) => failure.reason).join(" ")}`);
  }

  const sources = defaultSources({ getConfig: (key) => pulumi.runtime.getConfig(key), env: process.env, homeDirectory: homedir() });
  return lookupServerMetadataKey(toLookupInputs(inputs), sources, { logger: pulumiDebugLogger });
}

/**
 * Output form of {@link getServerMetadataKey}: waits for every argument and returns the result as an
 * Output. While an argument is unknown, as in a preview, no request is sent and the result is
 * unknown. With `secret: true`, or a secret argument, the result is a secret.
 */
export function getServerMetadataKeyOutput(args: GetServerMetadataKeyOutputArgs): pulumi.Output<GetServerMetadataKeyResult> {
  const result = pulumi.output(args).apply((resolved) => getServerMetadataKey(resolved as GetServerMetadataKeyArgs));
  return args.secret === true ? pulumi.secret(result) : result;
}
