import * as pulumi from "@pulumi/pulumi";

import { ApiVersion } from "../client";

/** Action of a lookup when the server has no such key: fail (the default) or return `defaultValue`. */
export type IfMissing = "fail" | "default";

/** Every {@link IfMissing} value. */
export const IF_MISSING_VALUES: readonly IfMissing[] = ["fail", "default"];

/** Inputs of {@link ServerMetadataKey}; credentials are never inputs, they come from stack config or the environment. */
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
  /**
   * Whether `value` (and `defaultValue`) are secrets, stored encrypted in state and shown as `[secret]`.
   * A plain boolean, because it decides how Pulumi registers the resource before any Output resolves.
   */
  readonly secret?: boolean;
  /** Action on a missing key: `"fail"` (the default) raises an error, `"default"` returns `defaultValue` with `found: false`. */
  readonly ifMissing?: pulumi.Input<IfMissing>;
  /** Value returned when the key is missing and `ifMissing` is `"default"`; required in that case. */
  readonly defaultValue?: pulumi.Input<string>;
}

/** Plain inputs of one lookup, as the provider receives them. */
export interface ServerMetadataKeyInputs {
  readonly serverId: string;
  readonly key: string;
  readonly projectId?: string;
  readonly region?: string;
  readonly endpoint?: string;
  readonly apiVersion?: ApiVersion;
  readonly secret?: boolean;
  readonly ifMissing?: IfMissing;
  readonly defaultValue?: string;
}

/**
 * Outputs of one lookup: the value and the target it was read from, every optional input resolved.
 * No property is ever `undefined`, because Pulumi state cannot store it; absent values are `null`.
 */
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
  /** Whether `value` is a secret. */
  readonly secret: boolean;
  /** Action on a missing key, `"fail"` or `"default"`. */
  readonly ifMissing: IfMissing;
  /** Value used when the key is missing, or `null` when none was set. */
  readonly defaultValue: string | null;
  /** Whether the server has the key; `false` only when `ifMissing` is `"default"` and the key is missing. */
  readonly found: boolean;
  /** Value of the key on the server when it was last read, or `defaultValue` when `found` is `false`. */
  readonly value: string;
}

/** Arguments of {@link getServerMetadataKey}, the same as the resource's inputs. */
export type GetServerMetadataKeyArgs = ServerMetadataKeyInputs;

/** Arguments of {@link getServerMetadataKeyOutput}, each of which may be an Output except `secret`. */
export type GetServerMetadataKeyOutputArgs = ServerMetadataKeyArgs;

/** Result of {@link getServerMetadataKey}, the same as the resource's outputs. */
export type GetServerMetadataKeyResult = ServerMetadataKeyOutputs;
