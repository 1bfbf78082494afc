export { EcsClient, TOKEN_EXPIRED_ERROR_CODE, type EcsClientLogger, type EcsClientOptions, type EcsRequestAuthorizer } from "./ecsClient";
export * from "./errors";
export { destroyKeepAliveAgents, getKeepAliveAgent } from "./httpAgents";
export { findDuplicateJsonKey } from "./jsonDuplicateKeys";
export {
  readAllMetadataResponse,
  readErrorResponse,
  readMetadataKeyResponse,
  type LookupContext,
  type MetadataKeyContext,
  type RawResponse,
} from "./responses";
export {
  computeBackoffDelay,
  DEFAULT_ATTEMPT_TIMEOUT_MS,
  DEFAULT_BASE_DELAY_MS,
  DEFAULT_DEADLINE_MS,
  DEFAULT_MAX_DELAY_MS,
  DEFAULT_MAX_RETRIES,
  isRetryableNetworkCode,
  isRetryableStatus,
  MAX_MAX_RETRIES,
  parseRetryAfter,
} from "./retryPolicy";
export { MAX_RESPONSE_BYTES } from "./transport";
export {
  API_VERSIONS,
  buildMetadataKeyPath,
  buildMetadataKeyUrl,
  buildMetadataPath,
  buildMetadataUrl,
  type ApiVersion,
  type MetadataKeyTarget,
  type ServerTarget,
} from "./urls";
export { MetadataBatcher, type MetadataBatcherOptions, type MetadataReader } from "./metadataBatcher";
export { RateLimiter, type RateLimiterOptions } from "./rateLimiter";
export { lookupMetadataKey, readAllMetadata, resetSharedLookups, type SharedLookupSettings } from "./sharedLookups";
