import * as pulumi from "@pulumi/pulumi";

import { ApiVersion } from "../client";

/** Inputs of {@link ServerMetadataKey}; secrets are never inputs, they come from stack config or the environment. */
export interface ServerMetadataKeyArgs {
  /** Id (a UUID) of the ECS server whose metadata is read. */
  readonly serverId: pulumi.Input<string>;
  /** Metadata key to read: 1 to 255 characters from `A-Z a-z 0-9 - _ : .` and space. */
  readonly key: pulumi.Input<string>;
  /** Project id (32 hex characters); `huaweicloud:projectId` or `HW_PROJECT_ID` unless set. */
  readonly projectId?: pulumi.Input<string>;
  /** Region such as `cn-north-4`; `huaweicloud:region` or `HW_REGION_NAME` unless set. */
  readonly region?: pulumi.Input<string>;
  /** ECS endpoint URL; `huaweicloud:endpoints.ecs`, else `https://ecs.{region}.myhuaweicloud.com`, unless set. */
  readonly endpoint?: pulumi.Input<string>;
  /** ECS API version of the request, `"v2.1"` (the default) or `"v2"`. */
  readonly apiVersion?: pulumi.Input<ApiVersion>;
}

/** Plain inputs of one lookup, as the provider receives them. */
export interface ServerMetadataKeyInputs {
  readonly serverId: string;
  readonly key: string;
  readonly projectId?: string;
  readonly region?: string;
  readonly endpoint?: string;
  readonly apiVersion?: ApiVersion;
}

/** Outputs of one lookup: the value and the target it was read from, every optional input resolved. */
export interface ServerMetadataKeyOutputs {
  /** Id of the server the value was read from. */
  readonly serverId: string;
  /** Metadata key that was read. */
  readonly key: string;
  /** Project id the request used. */
  readonly projectId: string;
  /** Region, or `null` when an endpoint was set and no region was set anywhere. */
  readonly region: string | null;
  /** ECS endpoint the request went to. */
  readonly endpoint: string;
  /** ECS API version the request used. */
  readonly apiVersion: ApiVersion;
  /** Value of the key on the server when it was last read. */
  readonly value: string;
}

/** Arguments of {@link getServerMetadataKey}, the same as the resource's inputs. */
export type GetServerMetadataKeyArgs = ServerMetadataKeyInputs;

/** Arguments of {@link getServerMetadataKeyOutput}, each of which may be an Output. */
export type GetServerMetadataKeyOutputArgs = ServerMetadataKeyArgs;

/** Result of {@link getServerMetadataKey}, the same as the resource's outputs. */
export type GetServerMetadataKeyResult = ServerMetadataKeyOutputs;
