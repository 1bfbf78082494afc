export {
  DynamicProviderClient,
  DynamicProviderError,
  UNKNOWN_VALUE,
  makeUrn,
  type CheckFailure,
  type CheckResult,
  type ConfigureResult,
  type CreateResult,
  type DiffResult,
  type DynamicProviderClientOptions,
  type PropertyMap,
  type ReadResult,
  type UpdateResult,
} from "./dynamicProviderClient";
export { startDynamicProviderHost, type DynamicProviderHost, type DynamicProviderHostOptions } from "./dynamicProviderHost";
export { HarnessMocks, type HarnessMocksOptions, type MockResourceMonitor, type RegisteredResource } from "./harnessMocks";
export {
  containsUnknown,
  makeResourceUrn,
  readRegistrationOptions,
  toEngineInputs,
  type RegistrationOptions,
} from "./registrationOptions";
export { LOCAL_COMMAND_TYPE, runLocalCommand, type LocalCommandOutputs } from "./localCommand";
export { resolveDeep } from "./resolveDeep";
export { ProgramRunError, runProgramWithMocks, type ProgramRunResult, type RunProgramOptions } from "./runProgramWithMocks";
