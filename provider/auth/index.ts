/**
 * Credential modes (AK/SK, temporary AK/SK, IAM token, user name and password), project id
 * discovery through IAM, and the TLS and proxy settings of connections.
 */
export * from "./authorizers";
export * from "./connection";
export * from "./credentials";
export * from "./iamClient";
export * from "./lookupAuth";
export * from "./projectIds";
