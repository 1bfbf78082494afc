import { InvalidInputError } from "../client";
import type { ExtendedSettingName, ExtendedSettingsSource } from "../settings/extendedSources";

/** Credentials of one authentication mode, all taken from one settings source. */
export type AuthCredentials =
  /** Permanent AK/SK, or temporary AK/SK with its security token; every request is signed. */
  | {
      readonly kind: "accessKey";
      readonly accessKey: string;
      readonly secretKey: string;
      readonly securityToken?: string;
      /** Description of the source, for messages. */
      readonly source: string;
    }
  /** IAM token given directly, sent as `X-Auth-Token`. */
  | { readonly kind: "token"; readonly token: string; readonly source: string }
  /** IAM user name and password of a domain, exchanged at IAM for a token. */
  | { readonly kind: "password"; readonly userName: string; readonly password: string; readonly domainName: string; readonly source: string };

/** Error raised when no source sets a complete credential set. */
export class MissingCredentialsError extends InvalidInputError {}

/**
 * Resolves credentials from the first source that sets any of them, and takes every part from that
 * one source, so an access key and a secret key from two places never mix. In one source an IAM token
 * wins over AK/SK, and AK/SK over a user name and password, as in terraform-provider-huaweicloud.
 *
 * @throws {@link InvalidInputError} for an incomplete set in a source, naming what is missing and
 * where; {@link MissingCredentialsError} naming every place looked at when no source sets any.
 */
export function resolveAuthCredentials(sources: readonly ExtendedSettingsSource[]): AuthCredentials {
  for (const source of sources) {
    const credentials = readCredentials(source);
    if (credentials !== undefined) {
      return credentials;
    }
  }

  const places = sources.map((source) => `${source.description}: ${describeNames(source)}`);
  throw new MissingCredentialsError(
    "accessKey",
    `No Huawei Cloud credentials found. Looked at ${places.join("; ")}. ` +
      `Set them with "pulumi config set huaweicloud:accessKey <id>" and "pulumi config set --secret huaweicloud:secretKey <key>", ` +
      `export HW_ACCESS_KEY and HW_SECRET_KEY, or run "hcloud configure init" to write a profile.`,
  );
}

function readCredentials(source: ExtendedSettingsSource): AuthCredentials | undefined {
  const accessKey = source.get("accessKey");
  const secretKey = source.get("secretKey");
  const securityToken = source.get("securityToken");
  const token = source.get("token");
  const userName = source.get("userName");
  const password = source.get("password");
  const domainName = source.get("domainName");

  if (token !== undefined) {
    return { kind: "token", token, source: source.description };
  }

  if (accessKey !== undefined || secretKey !== undefined) {
    if (accessKey === undefined) {
      throw incomplete(source, ["accessKey"], `sets the secret key ${name(source, "secretKey")} but not the access key id ${name(source, "accessKey")}`);
    }
    if (secretKey === undefined) {
      throw incomplete(source, ["secretKey"], `sets the access key id ${accessKey} (${name(source, "accessKey")}) but not the secret key ${name(source, "secretKey")}`);
    }
    return securityToken === undefined
      ? { kind: "accessKey", accessKey, secretKey, source: source.description }
      : { kind: "accessKey", accessKey, secretKey, securityToken, source: source.description };
  }

  if (securityToken !== undefined) {
    throw incomplete(
      source,
      ["accessKey", "secretKey"],
      `sets the security token ${name(source, "securityToken")} but not the temporary access key id and secret key it belongs to`,
    );
  }

  if (userName !== undefined || password !== undefined) {
    const missing = (["userName", "password", "domainName"] as const).filter((setting) => source.get(setting) === undefined);
    if (missing.length > 0 || userName === undefined || password === undefined || domainName === undefined) {
      const given = userName === undefined ? "a password" : `the IAM user name "${userName}"`;
      throw incomplete(source, missing, `sets ${given} but not ${missing.map((setting) => name(source, setting)).join(" and ")}`);
    }
    return { kind: "password", userName, password, domainName, source: source.description };
  }
  return undefined;
}

function incomplete(source: ExtendedSettingsSource, missing: readonly ExtendedSettingName[], what: string): InvalidInputError {
  return new InvalidInputError(
    missing[0] ?? "credentials",
    `${capitalize(source.description)} ${what}. Set the whole credential set in the same place, because parts are never combined from two places.`,
  );
}

function describeNames(source: ExtendedSettingsSource): string {
  const pair = joinNames(source, ["accessKey", "secretKey"], " and ");
  const token = joinNames(source, ["token"], "");
  const password = joinNames(source, ["userName", "password", "domainName"], ", ");
  return [pair, token, password].filter((part) => part !== "").join("; ") || "no credential settings";
}

function joinNames(source: ExtendedSettingsSource, settings: readonly ExtendedSettingName[], separator: string): string {
  const names = settings.map((setting) => source.nameOf(setting));
  return names.every((entry) => entry !== undefined) ? names.join(separator) : "";
}

function name(source: ExtendedSettingsSource, setting: ExtendedSettingName): string {
  return source.nameOf(setting) ?? setting;
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
