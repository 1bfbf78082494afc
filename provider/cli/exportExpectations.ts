import { Document } from "yaml";

import { sha256Hex } from "./compare";
import { CliUsageError } from "./exitCodes";
import { EXPECTATIONS_FORMAT_VERSION } from "./expectations";
import { ReaderTarget } from "./metadataReader";
import { quoteString } from "./terminalText";

/** Live metadata of one server, as `export` read it. */
export interface ExportedServer {
  readonly id: string;
  readonly metadata: Readonly<Record<string, string>>;
}

/** Formats `export` can write. */
export const EXPORT_FORMATS = ["yaml", "json"] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

/**
 * Builds the contents of an expectations file from live metadata. Keys are sorted; keys named in
 * `secretKeys` are written as `{sha256, secret: true}`, so the file never contains their values. The
 * project id and region go to `defaults`; the endpoint does not, because it belongs to where the
 * check runs rather than to the servers.
 */
export function buildExpectationsFile(servers: readonly ExportedServer[], target: ReaderTarget, secretKeys: ReadonlySet<string>): object {
  const defaults: Record<string, string> = { projectId: target.projectId };
  if (target.region !== null) {
    defaults.region = target.region;
  }
  if (target.apiVersion !== "v2.1") {
    defaults.apiVersion = target.apiVersion;
  }

  return {
    version: EXPECTATIONS_FORMAT_VERSION,
    defaults,
    servers: servers.map((server) => {
      // No prototype, so a metadata key such as "__proto__" is stored as an ordinary key.
      const keys: Record<string, string | { sha256: string; secret: true }> = Object.create(null);
      for (const key of Object.keys(server.metadata).sort()) {
        const value = server.metadata[key];
        keys[key] = secretKeys.has(key) ? { sha256: sha256Hex(value), secret: true } : value;
      }
      return { id: server.id, keys };
    }),
  };
}

/**
 * Checks that every `--secret` name is a key of at least one exported server. A misspelled name would
 * otherwise leave the real key's value in the clear in the file.
 *
 * @throws {@link CliUsageError} naming each unmatched name and a key that differs only in letter case, if any; it never shows a value.
 */
export function checkSecretKeysMatch(servers: readonly ExportedServer[], secretKeys: ReadonlySet<string>): void {
  const liveKeys = new Set(servers.flatMap((server) => Object.keys(server.metadata)));
  const unmatched = [...secretKeys].filter((key) => !liveKeys.has(key));
  if (unmatched.length === 0) {
    return;
  }

  const descriptions = unmatched.map((name) => {
    const nearMatches = [...liveKeys].filter((key) => key.toLowerCase() === name.toLowerCase()).sort();
    return nearMatches.length === 0 ? quoteString(name) : `${quoteString(name)} (did you mean ${nearMatches.map(quoteString).join(" or ")}?)`;
  });
  const serversText = servers.length === 1 ? "the exported server" : "any exported server";
  throw new CliUsageError(
    `--secret names no key of ${serversText}: ${descriptions.join(", ")}. Nothing was written. ` +
      "Metadata keys are case-sensitive, so give each --secret exactly as the key is spelled.",
  );
}

/** Serializes an expectations file in `format`, ending with a newline. */
export function formatExpectationsFile(contents: object, format: ExportFormat, comment: string): string {
  if (format === "json") {
    return JSON.stringify(contents, null, 2) + "\n";
  }
  const document = new Document(contents);
  document.commentBefore = ` ${comment}`;
  return document.toString({ lineWidth: 0 });
}
