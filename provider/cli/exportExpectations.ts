import { Document } from "yaml";

import { sha256Hex } from "./compare";
import { EXPECTATIONS_FORMAT_VERSION } from "./expectations";
import { ReaderTarget } from "./metadataReader";

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
      const keys: Record<string, string | { sha256: string; secret: true }> = {};
      for (const key of Object.keys(server.metadata).sort()) {
        const value = server.metadata[key];
        keys[key] = secretKeys.has(key) ? { sha256: sha256Hex(value), secret: true } : value;
      }
      return { id: server.id, keys };
    }),
  };
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
