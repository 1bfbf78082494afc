import type * as pulumi from "@pulumi/pulumi";

/** Sink of debug messages; the shape the ECS client's `logger` option takes. */
export interface DebugLogger {
  debug(message: string): void;
  /** Receives warnings the user should see, such as TLS verification being off; sent to `debug` when absent. */
  warn?(message: string): void;
}

/**
 * Logger that sends each message to `pulumi.log.debug`, shown by `pulumi up --debug` and
 * `pulumi up -v=9`. A failed delivery is dropped, because a debug message must never fail a lookup.
 *
 * NOTE: in the dynamic-provider host of `@pulumi/pulumi` 3.276, `pulumi.log` reaches the engine only
 * when `PULUMI_NODEJS_ENGINE` is set in the host's environment; otherwise the SDK drops the message.
 */
export const pulumiDebugLogger: DebugLogger = {
  debug(message: string): void {
    // The provider host and a Pulumi program have @pulumi/pulumi loaded already. Any other process that
    // runs lookups has no engine to send messages to, so it skips them rather than load 70 MB for nothing.
    loadedPulumiLog()
      ?.debug(message)
      .catch(() => undefined);
  },
  warn(message: string): void {
    const log = loadedPulumiLog();
    if (log === undefined) {
      process.emitWarning(message);
      return;
    }
    log.warn(message).catch(() => undefined);
  },
};

let pulumiModulePath: string | undefined;

/** Returns `pulumi.log` when @pulumi/pulumi is loaded in this process, without loading it otherwise. */
function loadedPulumiLog(): typeof pulumi.log | undefined {
  // Resolved once: this runs for every lookup and every attempt.
  pulumiModulePath ??= require.resolve("@pulumi/pulumi");
  const loaded = require.cache[pulumiModulePath];
  return loaded === undefined ? undefined : (loaded.exports as typeof pulumi).log;
}
