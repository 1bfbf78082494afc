import { InvalidInputError } from "../client";
import { findExtendedSetting, type ExtendedSettingsSource } from "../settings/extendedSources";
import { parseEndpointOverrides, resolveServiceEndpoints, type ServiceEndpoints } from "../settings/endpoints";
import { MissingSettingError, resolveTarget, type ResolvedTarget, type TargetInputs } from "../settings/resolveLookup";
import { checkProjectId, checkRegion } from "../settings/validation";
import { createRequestAuthorizer, type RequestAuthorizer } from "./authorizers";
import { resolveConnectionSettings, warnIfInsecure, type ConnectionSettings } from "./connection";
import { resolveAuthCredentials, type AuthCredentials } from "./credentials";
import { discoverProjectId } from "./projectIds";

/** Per-lookup inputs that may override settings; secrets are never among them. */
export interface LookupTargetInputs {
  readonly region?: string;
  readonly projectId?: string;
  readonly endpoint?: string;
}

/** Everything a lookup needs to send authenticated requests. */
export interface LookupAuth {
  /** Region, or `null` when only an endpoint was set. */
  readonly region: string | null;
  /** Project id: the input, a setting, or the one IAM lists for the region. */
  readonly projectId: string;
  readonly endpoints: ServiceEndpoints;
  readonly connection: ConnectionSettings;
  /** Credentials as resolved; AK/SK ones can go to the client directly, so its errors name the access key id. */
  readonly credentials: AuthCredentials;
  readonly authorizer: RequestAuthorizer;
}

/** Options of {@link resolveLookupAuth}. */
export interface LookupAuthOptions {
  /** Receives debug lines and the warning when TLS verification is off; never a secret. */
  readonly logger?: { debug(message: string): void; warn(message: string): void };
  /** Clock of signatures and token expiry; the system clock unless set. */
  readonly now?: () => Date;
}

/**
 * Resolves the region, endpoints, TLS settings, credentials and project id of a lookup. Every
 * setting is checked before the first request. The only requests made here go to IAM: for a token
 * in the password mode, and for the project id when none is set.
 *
 * @throws {@link InvalidInputError} for any invalid or missing setting, and the IAM request errors.
 */
export async function resolveLookupAuth(inputs: LookupTargetInputs, sources: readonly ExtendedSettingsSource[], options: LookupAuthOptions = {}): Promise<LookupAuth> {
  const regionSetting = inputs.region === undefined ? findExtendedSetting(sources, "region") : { value: inputs.region, name: "region" };
  if (regionSetting !== undefined) {
    throwIfInvalid(regionSetting.name, checkRegion(regionSetting.value, regionSetting.name));
  }
  const region = regionSetting?.value;

  const overridesSetting = findExtendedSetting(sources, "endpoints");
  const endpoints = resolveServiceEndpoints({
    region,
    cloud: findExtendedSetting(sources, "cloud"),
    authUrl: findExtendedSetting(sources, "authUrl"),
    overrides: overridesSetting === undefined ? undefined : parseEndpointOverrides(overridesSetting.value, overridesSetting.name),
    ecsInput: inputs.endpoint,
  });

  const projectSetting = inputs.projectId === undefined ? findExtendedSetting(sources, "projectId") : { value: inputs.projectId, name: "projectId" };
  if (projectSetting !== undefined) {
    throwIfInvalid(projectSetting.name, checkProjectId(projectSetting.value, projectSetting.name));
  }
  if (projectSetting === undefined && region === undefined) {
    const places = sources.map((source) => source.nameOf("projectId")).filter((name): name is string => name !== undefined);
    throw new MissingSettingError(
      "projectId",
      `No project id is set. Set the projectId input, or ${places.join(" or ")}, to the 32-character id of the project that holds the server; ` +
        "or set a region, so that the project id is found at IAM.",
    );
  }

  const connection = resolveConnectionSettings(sources);
  const credentials = resolveAuthCredentials(sources);
  warnIfInsecure(connection, options.logger);


  const needsIam = credentials.kind === "password" || projectSetting === undefined;
  if (needsIam && endpoints.iam === undefined) {
    const purpose = credentials.kind === "password" ? "to exchange the user name and password for a token" : "to find the project id, because none is set";
    throw new InvalidInputError(
      "authUrl",
      `The IAM endpoint is needed ${purpose}, but it is unknown: set huaweicloud:region or HW_REGION_NAME, or huaweicloud:authUrl or HW_AUTH_URL` +
        `${projectSetting === undefined ? ", or set huaweicloud:projectId or HW_PROJECT_ID" : ""}.`,
    );
  }

  const iamEndpoint = endpoints.iam ?? "";
  const authorizer = createRequestAuthorizer(credentials, {
    iamEndpoint,
    connection,
    projectId: projectSetting?.value,
    region,
    now: options.now,
    logger: options.logger,
  });

  let projectId = projectSetting?.value;
  if (projectId === undefined && region !== undefined) {
    projectId = await discoverProjectId(region, { iamEndpoint, connection, authorizer, logger: options.logger });
  }
  if (projectId === undefined) {
    throw new MissingSettingError("projectId", "No project id is set; set huaweicloud:projectId or HW_PROJECT_ID.");
  }

  return { region: region ?? null, projectId, endpoints, connection, credentials, authorizer };
}

function throwIfInvalid(property: string, reason: string | undefined): void {
  if (reason !== undefined) {
    throw new InvalidInputError(property, reason);
  }
}

/**
 * Resolves a lookup's target as {@link resolveTarget} does, with two additions: the default ECS
 * endpoint follows the `cloud` setting and the European domain rule, and a project id set nowhere is
 * found at IAM for the region (which needs credentials). Credentials are not read otherwise, so a
 * preview's `check` works before they are set.
 */
export async function resolveLookupTarget(inputs: TargetInputs, sources: readonly ExtendedSettingsSource[], options: LookupAuthOptions = {}): Promise<ResolvedTarget> {
  const regionSetting = inputs.region === undefined ? findExtendedSetting(sources, "region") : { value: inputs.region, name: "region" };
  if (regionSetting !== undefined) {
    throwIfInvalid(regionSetting.name, checkRegion(regionSetting.value, regionSetting.name));
  }

  const overridesSetting = findExtendedSetting(sources, "endpoints");
  const endpoints = resolveServiceEndpoints({
    region: regionSetting?.value,
    cloud: findExtendedSetting(sources, "cloud"),
    authUrl: findExtendedSetting(sources, "authUrl"),
    overrides: overridesSetting === undefined ? undefined : parseEndpointOverrides(overridesSetting.value, overridesSetting.name),
    ecsInput: inputs.endpoint,
  });

  let projectId = inputs.projectId ?? findExtendedSetting(sources, "projectId")?.value;
  if (projectId === undefined) {
    projectId = (await resolveLookupAuth(inputs, sources, options)).projectId;
  }

  return resolveTarget({ ...inputs, projectId, endpoint: endpoints.ecs }, sources);
}
