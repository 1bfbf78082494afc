export * from "./client/errors";
export { API_VERSIONS, type ApiVersion } from "./client/urls";
export { getServerMetadataKey, getServerMetadataKeyOutput } from "./resource/getServerMetadataKey";
export { ServerMetadataKey } from "./resource/serverMetadataKey";
export type {
  GetServerMetadataKeyArgs,
  GetServerMetadataKeyOutputArgs,
  GetServerMetadataKeyResult,
  ServerMetadataKeyArgs,
  ServerMetadataKeyOutputs,
} from "./resource/types";
