import * as pulumi from "@pulumi/pulumi";

import { ApiVersion, InvalidInputError } from "../client";
import { INPUT_NAMES } from "./inputs";
import { serializedProvider } from "./serializedProvider";
import { IfMissing, ServerMetadataKeyArgs } from "./types";

/** Outputs that contain the looked-up value, or the default used in its place, and are secrets when `secret` is set. */
const SECRET_OUTPUT_NAMES = ["value", "defaultValue"];

/**
 * Value of one metadata key of a Huawei Cloud ECS server, read while `pulumi up` runs so that other
 * resources can depend on it. The id is `{serverId}/{key}`. Credentials come from stack config
 * (`huaweicloud:accessKey`, `huaweicloud:secretKey`, `huaweicloud:securityToken`) or the `HW_*`
 * environment variables, read inside the provider host and never stored in state.
 */
export class ServerMetadataKey extends pulumi.dynamic.Resource {
  /** Id of the server the value was read from. */
  declare readonly serverId: pulumi.Output<string>;
  /** Metadata key that was read. */
  declare readonly key: pulumi.Output<string>;
  /** Project id the lookup used. */
  declare readonly projectId: pulumi.Output<string>;
  /** Region the lookup used, or `null` when only an endpoint was set. */
  declare readonly region: pulumi.Output<string | null>;
  /** ECS endpoint the lookup went to. */
  declare readonly endpoint: pulumi.Output<string>;
  /** ECS API version the lookup used. */
  declare readonly apiVersion: pulumi.Output<ApiVersion>;
  /** Whether `value` is stored as a secret. */
  declare readonly secret: pulumi.Output<boolean>;
  /** Behaviour on a missing key, `"fail"` or `"default"`. */
  declare readonly ifMissing: pulumi.Output<IfMissing>;
  /** Value used when the key is missing, or `null` when none was set. */
  declare readonly defaultValue: pulumi.Output<string | null>;
  /** Whether the server has the key; `false` only when `ifMissing` is `"default"` and the key is missing. Unknown during a preview. */
  declare readonly found: pulumi.Output<boolean>;
  /** Value of the key on the server, or `defaultValue` when `found` is `false`. Unknown during a preview; a secret when `secret` is set. */
  declare readonly value: pulumi.Output<string>;

  /**
   * @throws {@link InvalidInputError} for an argument that is not an input of this resource, such as a
   * misspelt `secret`, or a `secret` that is not a plain boolean; both would otherwise leave `value` in
   * plain text without a word.
   */
  constructor(name: string, args: ServerMetadataKeyArgs, opts?: pulumi.CustomResourceOptions) {
    rejectUnknownArguments(name, args);
    const secret = args.secret === true;
    super(
      serializedProvider,
      name,
      {
        serverId: args.serverId,
        key: args.key,
        projectId: args.projectId,
        region: args.region,
        endpoint: args.endpoint,
        apiVersion: args.apiVersion,
        secret: args.secret,
        ifMissing: args.ifMissing,
        // The default is used in place of the value, so state keeps it encrypted as well.
        defaultValue: secret && args.defaultValue !== undefined ? pulumi.secret(args.defaultValue) : args.defaultValue,
        found: undefined,
        value: undefined,
      },
      secret ? withSecretOutputs(opts, SECRET_OUTPUT_NAMES) : opts,
      "ecs-metadata",
      "ServerMetadataKey",
    );
  }
}

/**
 * Adds names to `additionalSecretOutputs`, keeping every other option. Returning a secret from the
 * provider does not make an output secret; the engine only encrypts the outputs named here.
 */
function withSecretOutputs(opts: pulumi.CustomResourceOptions | undefined, names: readonly string[]): pulumi.CustomResourceOptions {
  const existing = opts?.additionalSecretOutputs ?? [];
  return { ...opts, additionalSecretOutputs: [...new Set([...existing, ...names])] };
}

const ARGUMENT_NAMES: ReadonlySet<string> = new Set(INPUT_NAMES);

function rejectUnknownArguments(name: string, args: ServerMetadataKeyArgs): void {
  const unknown = Object.keys(args).filter((argument) => !ARGUMENT_NAMES.has(argument));
  if (unknown.length > 0) {
    throw new InvalidInputError(
      unknown[0],
      `ServerMetadataKey "${name}": ${unknown.map((argument) => JSON.stringify(argument)).join(", ")} ${unknown.length === 1 ? "is not an argument" : "are not arguments"}; ` +
        `its arguments are ${[...ARGUMENT_NAMES].join(", ")}.`,
    );
  }
  if (args.secret !== undefined && typeof args.secret !== "boolean") {
    throw new InvalidInputError(
      "secret",
      `ServerMetadataKey "${name}": secret must be a plain true or false, because it decides how state stores the value when the resource is registered; an Output or a promise is not allowed.`,
    );
  }
}
