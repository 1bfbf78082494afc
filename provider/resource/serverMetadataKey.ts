import * as pulumi from "@pulumi/pulumi";

import { ApiVersion } from "../client";
import { serializedProvider } from "./serializedProvider";
import { ServerMetadataKeyArgs } from "./types";

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
  /** Value of the key on the server. */
  declare readonly value: pulumi.Output<string>;

  constructor(name: string, args: ServerMetadataKeyArgs, opts?: pulumi.CustomResourceOptions) {
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
        value: undefined,
      },
      opts,
      "ecs-metadata",
      "ServerMetadataKey",
    );
  }
}
