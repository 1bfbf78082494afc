import { compareMetadata, ServerResult } from "./compare";
import { mapWithConcurrency } from "./concurrency";
import { Expectations } from "./expectations";
import { MetadataReader, ServerLocation } from "./metadataReader";
import { startProgress } from "./progress";
import { rewriteSettingHints } from "./settingHints";

/** Settings of {@link runCheck}. */
export interface CheckSettings {
  /** Whether live keys that the file does not list count as drift. */
  readonly strict: boolean;
  readonly concurrency: number;
  readonly quiet: boolean;
}

/**
 * Reads every server's metadata, at most `concurrency` requests at once, and compares it with the
 * expectations. Readers for all locations are created before the first request, so an invalid setting
 * fails the whole run up front. A failed request fails only its own server.
 */
export async function runCheck(
  expectations: Expectations,
  settings: CheckSettings,
  createReader: (location: ServerLocation) => Promise<MetadataReader>,
): Promise<ServerResult[]> {
  // One location at a time, so that an error names the first bad location and no IAM request runs after it.
  const readers = new Map<string, MetadataReader>();
  const readerOf: MetadataReader[] = [];
  for (const server of expectations.servers) {
    const id = locationId(server.location);
    let reader = readers.get(id);
    if (reader === undefined) {
      reader = await createReader(server.location);
      readers.set(id, reader);
    }
    readerOf.push(reader);
  }

  const progress = startProgress(expectations.servers.length, { quiet: settings.quiet });
  try {
    return await mapWithConcurrency(expectations.servers, settings.concurrency, async (server, index): Promise<ServerResult> => {
      try {
        const live = await readerOf[index].getAll(server.id);
        return compareMetadata(server, live, settings.strict);
      } catch (error) {
        const message = rewriteSettingHints(error instanceof Error ? error.message : String(error));
        const failure = { name: error instanceof Error ? error.name : "Error", message };
        return { server, status: "error", error: failure };
      } finally {
        progress.increment();
      }
    });
  } finally {
    progress.stop();
  }
}

function locationId(location: ServerLocation): string {
  return JSON.stringify([location.projectId, location.region, location.endpoint, location.apiVersion]);
}
