import { timingSafeEqual } from "node:crypto";

import type { SimulatorCredential } from "./dataFile";
import { GATEWAY_TOKEN_EXPIRED, type IamTokenRegistry, type TokenSubject } from "./iamTokens";
import { GATEWAY_AUTH_FAILED, gatewayError, jsonResponse, type SimulatorResponse } from "./responses";
import { verifyRequestSignature, type ReceivedRequest } from "./verifySignature";

/** IAM user that the simulated IAM accepts for password authentication. */
export interface SimulatorIamUser {
  /** IAM user name. */
  readonly name: string;
  /** Password of the user. */
  readonly password: string;
  /** Name of the account (domain) the user belongs to. */
  readonly domainName: string;
}

/** Project as `GET /v3/projects` lists it: its id and its name, which is the region name. */
export interface SimulatorIamProject {
  readonly id: string;
  readonly name: string;
}

/** State the IAM routes read. */
export interface IamRouteContext {
  readonly users: readonly SimulatorIamUser[];
  readonly projects: readonly SimulatorIamProject[];
  readonly tokens: IamTokenRegistry;
  readonly findCredential: (accessKey: string) => SimulatorCredential | undefined;
  readonly now: () => Date;
}

/** Outcome of an IAM request, with the principal for the request record. */
export interface IamOutcome {
  readonly response: SimulatorResponse;
  /** User or access key id the request acted as; never a password, secret key or token. */
  readonly principal?: string;
}

/** Header that carries an issued token in the response of `POST /v3/auth/tokens`. */
export const SUBJECT_TOKEN_HEADER = "X-Subject-Token";

/** Header that carries a token on authenticated requests. */
export const AUTH_TOKEN_HEADER = "X-Auth-Token";

/** Returns whether a path is one of the IAM calls the simulator serves. */
export function isIamPath(rawPath: string): boolean {
  return rawPath === "/v3/auth/tokens" || rawPath === "/v3/projects";
}

/**
 * Serves `POST /v3/auth/tokens` (password or `hw_ak_sk` identity, scoped to a project by id or name,
 * or to the domain) and `GET /v3/projects?name={region}` (authenticated by `X-Auth-Token` or an
 * AK/SK signature).
 */
export function handleIamRequest(context: IamRouteContext, request: ReceivedRequest, requestId: string): IamOutcome {
  if (request.rawPath === "/v3/auth/tokens") {
    if (request.method !== "POST") {
      return { response: keystoneError(405, `Method ${request.method} is not allowed on /v3/auth/tokens; use POST.`) };
    }
    return issueToken(context, request.body);
  }

  if (request.method !== "GET") {
    return { response: keystoneError(405, `Method ${request.method} is not allowed on /v3/projects; use GET.`) };
  }
  const auth = authenticateIamOrEcsRequest(context, request, requestId);
  if (!auth.ok) {
    return { response: auth.response, principal: auth.principal };
  }
  const name = new URLSearchParams(request.rawQuery).get("name");
  const projects = context.projects
    .filter((project) => name === null || project.name === name)
    .map((project) => ({ id: project.id, name: project.name, domain_id: "simulated-domain", enabled: true }));
  return { response: jsonResponse(200, { projects, links: { self: `/v3/projects${request.rawQuery ? `?${request.rawQuery}` : ""}` } }), principal: auth.principal };
}

/** Result of {@link authenticateIamOrEcsRequest}. */
export type RequestAuthentication =
  | { readonly ok: true; readonly principal: string }
  | { readonly ok: false; readonly principal?: string; readonly response: SimulatorResponse };

/**
 * Authenticates a request by its `X-Auth-Token`, or else by its AK/SK signature. An expired token
 * gets 401 {@link GATEWAY_TOKEN_EXPIRED}, as the API gateway answers; every other failure gets 401
 * `APIGW.0301`.
 */
export function authenticateIamOrEcsRequest(context: Pick<IamRouteContext, "tokens" | "findCredential" | "now">, request: ReceivedRequest, requestId: string): RequestAuthentication {
  const tokenHeader = request.headers[AUTH_TOKEN_HEADER.toLowerCase()];
  if (tokenHeader !== undefined) {
    const check = context.tokens.check(Array.isArray(tokenHeader) ? tokenHeader.join(",") : tokenHeader);
    if (!check.ok) {
      return { ok: false, response: gatewayError(401, check.expired ? GATEWAY_TOKEN_EXPIRED : GATEWAY_AUTH_FAILED, check.message, requestId) };
    }
    return { ok: true, principal: check.subject.principal };
  }

  const signature = verifyRequestSignature(request, context.findCredential, context.now());
  if (!signature.ok) {
    return { ok: false, principal: signature.accessKey, response: gatewayError(401, GATEWAY_AUTH_FAILED, signature.message, requestId) };
  }
  return { ok: true, principal: signature.credential.accessKey };
}

function issueToken(context: IamRouteContext, body: Uint8Array): IamOutcome {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(body).toString("utf8"));
  } catch {
    return { response: keystoneError(400, "The request body is not JSON; send a Keystone v3 auth body.") };
  }

  const identity = readPath(parsed, ["auth", "identity"]);
  const methods = readPath(identity, ["methods"]);
  if (!Array.isArray(methods) || methods.length !== 1) {
    return { response: keystoneError(400, 'auth.identity.methods must be ["password"] or ["hw_ak_sk"].') };
  }

  let subject: { principal: string; userName?: string; domainName?: string };
  if (methods[0] === "password") {
    const user = readPath(identity, ["password", "user"]);
    const name = readPath(user, ["name"]);
    const password = readPath(user, ["password"]);
    const domainName = readPath(user, ["domain", "name"]);
    if (typeof name !== "string" || typeof password !== "string" || typeof domainName !== "string") {
      return { response: keystoneError(400, "auth.identity.password.user needs name, password and domain.name strings.") };
    }
    const match = context.users.find((candidate) => candidate.name === name && candidate.domainName === domainName);
    if (match === undefined || !equalInConstantTime(match.password, password)) {
      return { response: keystoneError(401, `The user name "${name}" of domain "${domainName}" or its password is incorrect.`), principal: `user ${name}` };
    }
    subject = { principal: `user ${name} of domain ${domainName}`, userName: name, domainName };
  } else if (methods[0] === "hw_ak_sk") {
    const accessKey = readPath(identity, ["hw_ak_sk", "access", "key"]);
    const secretKey = readPath(identity, ["hw_ak_sk", "secret", "key"]);
    if (typeof accessKey !== "string" || typeof secretKey !== "string") {
      return { response: keystoneError(400, "auth.identity.hw_ak_sk needs access.key and secret.key strings.") };
    }
    const credential = context.findCredential(accessKey);
    if (credential === undefined || !equalInConstantTime(credential.secretKey, secretKey)) {
      return { response: keystoneError(401, `The access key id "${accessKey}" is unknown or its secret key is incorrect.`), principal: accessKey };
    }
    subject = { principal: accessKey };
  } else {
    return { response: keystoneError(400, `Authentication method ${JSON.stringify(methods[0])} is not supported; use "password" or "hw_ak_sk".`) };
  }

  const scope = readScope(context, readPath(parsed, ["auth", "scope"]));
  if ("error" in scope) {
    return { response: keystoneError(scope.status, scope.error), principal: subject.principal };
  }

  const tokenSubject: TokenSubject = scope.project === undefined ? { principal: subject.principal } : { principal: subject.principal, projectId: scope.project.id };
  const issued = context.tokens.issue(tokenSubject);
  const token = {
    expires_at: issued.expiresAt.toISOString(),
    issued_at: context.now().toISOString(),
    methods,
    ...(subject.userName === undefined ? {} : { user: { name: subject.userName, domain: { name: subject.domainName } } }),
    ...(scope.project === undefined ? {} : { project: { id: scope.project.id, name: scope.project.name } }),
  };
  return { response: { ...jsonResponse(201, { token }), headers: { [SUBJECT_TOKEN_HEADER]: issued.token } }, principal: subject.principal };
}

function readScope(context: IamRouteContext, scope: unknown): { project?: SimulatorIamProject } | { status: number; error: string } {
  if (scope === undefined) {
    return {};
  }
  const projectId = readPath(scope, ["project", "id"]);
  const projectName = readPath(scope, ["project", "name"]);
  if (projectId === undefined && projectName === undefined) {
    return readPath(scope, ["domain"]) === undefined ? { status: 400, error: "auth.scope must name a project (id or name) or a domain." } : {};
  }
  const project = context.projects.find((candidate) => (projectId !== undefined ? candidate.id === projectId : candidate.name === projectName));
  if (project === undefined) {
    return { status: 401, error: `No project ${JSON.stringify(projectId ?? projectName)} is visible to this user.` };
  }
  return { project };
}

/** Builds an error in Keystone's shape, `{"error": {"code", "message", "title"}}`. */
function keystoneError(status: number, message: string): SimulatorResponse {
  const titles: Record<number, string> = { 400: "Bad Request", 401: "Unauthorized", 405: "Method Not Allowed" };
  return { status, body: { error: { code: status, message, title: titles[status] ?? "Error" } }, errorMessage: message };
}

function readPath(value: unknown, keys: readonly string[]): unknown {
  let current = value;
  for (const key of keys) {
    if (typeof current !== "object" || current === null || Array.isArray(current)) {
      return undefined;
    }
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}

function equalInConstantTime(expected: string, received: string): boolean {
  const expectedBytes = Buffer.from(expected, "utf8");
  const receivedBytes = Buffer.from(received, "utf8");
  return expectedBytes.length === receivedBytes.length && timingSafeEqual(expectedBytes, receivedBytes);
}
