/**
 * Local ECS-compatible endpoint for tests and demos: serves the Nova-compatible server metadata
 * calls with AK/SK signature checks, from a JSON data file held in memory.
 */
export {
  SimulatorDataError,
  loadSimulatorData,
  parseSimulatorData,
  type SimulatorCredential,
  type SimulatorData,
  type SimulatorProject,
  type SimulatorServer,
} from "./dataFile";
export {
  MAX_METADATA_ITEMS,
  MAX_METADATA_VALUE_LENGTH,
  METADATA_KEY_PATTERN,
  SERVER_STATUSES,
  WRITABLE_SERVER_STATUSES,
  type ServerStatus,
} from "./metadataRules";
export { ADMIN_FAULTS_PATH } from "./adminRoutes";
export { type ChosenFault, type FaultRuleState } from "./faultInjector";
export { FAULT_ACTIONS, MAX_FAULT_DELAY_MS, type FaultAction, type FaultMatch, type FaultRule, type FaultStep } from "./faultRules";
export {
  MAX_LATENCY_MS,
  MAX_REQUEST_BODY_BYTES,
  startSimulator,
  type RecordedRequest,
  type RunningSimulator,
  type SimulatorOptions,
} from "./server";
export { type SimulatorIamProject, type SimulatorIamUser } from "./iamRoutes";
export { startIamSimulator, type IamSimulatorOptions, type RecordedIamRequest, type RunningIamSimulator, type SimulatorTls } from "./iamServer";
export { DEFAULT_TOKEN_LIFETIME_MS, GATEWAY_TOKEN_EXPIRED, IamTokenRegistry } from "./iamTokens";
export { generateSelfSignedCertificate, type CertificateNames } from "./tlsCertificate";
