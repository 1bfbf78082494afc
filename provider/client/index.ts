export { EcsClient, type EcsClientOptions } from "./ecsClient";
export * from "./errors";
export { destroyKeepAliveAgents, getKeepAliveAgent } from "./httpAgents";
export { readErrorResponse, readMetadataKeyResponse, type LookupContext, type RawResponse } from "./responses";
export { API_VERSIONS, buildMetadataKeyPath, buildMetadataKeyUrl, type ApiVersion, type MetadataKeyTarget } from "./urls";
