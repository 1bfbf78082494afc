export * from "./client/errors";
export { API_VERSIONS, type ApiVersion } from "./client/urls";
export { getServerMetadataKey, getServerMetadataKeyOutput } from "./resource/getServerMetadataKey";
export { ServerMetadataKey } from "./resource/serverMetadataKey";
export { IF_MISSING_VALUES } from "./resource/types";
export type {
  GetServerMetadataKeyArgs,
  IfMissing,
  GetServerMetadataKeyOutputArgs,
  GetServerMetadataKeyResult,
  ServerMetadataKeyArgs,
  ServerMetadataKeyOutputs,
} from "./resource/types";
export { MissingSettingError } from "./settings/resolveLookup";
