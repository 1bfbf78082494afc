import { InvalidInputError } from "../client";
import { RequestAuthorizer, isExpiredTokenResponse, sendWithTokenRenewal } from "./authorizers";
import { ConnectionSettings } from "./connection";
import { describeIamRequest, iamResponseError, invalidIamResponse, sendIamRequest, type IamResponse } from "./iamClient";

/** Options of {@link discoverProjectId}. */
export interface ProjectDiscoveryOptions {
  /** IAM endpoint including `/v3`. */
  readonly iamEndpoint: string;
  readonly connection: ConnectionSettings;
  readonly authorizer: RequestAuthorizer;
  /** Receives one line per IAM lookup; the cache hits are silent. */
  readonly logger?: { debug(message: string): void };
}

const projectIds = new Map<string, Promise<string>>();

/** Empties the process-wide project id cache; tests call it between cases. */
export function clearProjectIdCache(): void {
  projectIds.clear();
}

/**
 * Finds the id of the project named after a region with `GET /v3/projects?name={region}`, and
 * caches it for the life of the process per IAM endpoint, principal and region. A failed lookup is
 * not cached, so the next lookup sends the request again.
 *
 * @throws {@link InvalidInputError} when IAM lists no project of that name, and the IAM request's
 * errors otherwise.
 */
export function discoverProjectId(region: string, options: ProjectDiscoveryOptions): Promise<string> {
  const key = [options.iamEndpoint, options.authorizer.principal, region].join("\n");
  let pending = projectIds.get(key);
  if (pending === undefined) {
    pending = requestProjectId(region, options);
    projectIds.set(key, pending);
    pending.catch(() => projectIds.delete(key));
  }
  return pending;
}

async function requestProjectId(region: string, options: ProjectDiscoveryOptions): Promise<string> {
  const url = new URL(`${options.iamEndpoint}/projects`);
  url.searchParams.set("name", region);
  const request = { method: "GET", url, headers: { Accept: "application/json" } };

  const response = await sendWithTokenRenewal<IamResponse>(
    options.authorizer,
    request,
    (headers) => sendIamRequest({ method: "GET", url, headers }, options.connection),
    (candidate) => isExpiredTokenResponse(candidate.status, candidate.body),
  );
  const failed = describeIamRequest("GET", url);
  if (response.status !== 200) {
    throw iamResponseError(failed, response, options.authorizer.principal);
  }

  const matches = readProjects(response.body)?.filter((project) => project.name === region);
  if (matches === undefined) {
    throw invalidIamResponse(failed, response, 'the body is not {"projects": [{"id": "...", "name": "..."}]}');
  }
  if (matches.length === 0) {
    throw new InvalidInputError(
      "projectId",
      `IAM at ${url.origin} lists no project named "${region}" for ${options.authorizer.principal}, so the project id is unknown. ` +
        "Check the region name, or set huaweicloud:projectId or HW_PROJECT_ID to the project's id.",
    );
  }
  if (matches.length > 1) {
    throw new InvalidInputError("projectId", `IAM at ${url.origin} lists ${matches.length} projects named "${region}"; set huaweicloud:projectId to the one to use.`);
  }

  options.logger?.debug(`Found project id ${matches[0].id} of region ${region} at ${url.origin}.`);
  return matches[0].id;
}

function readProjects(body: string): { id: string; name: string }[] | undefined {
  try {
    const parsed = JSON.parse(body) as { projects?: unknown };
    if (!Array.isArray(parsed.projects)) {
      return undefined;
    }
    const projects = parsed.projects.filter(
      (entry): entry is { id: string; name: string } => typeof entry?.id === "string" && typeof entry?.name === "string",
    );
    return projects.length === parsed.projects.length ? projects : undefined;
  } catch {
    return undefined;
  }
}
