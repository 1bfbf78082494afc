import * as pulumi from "@pulumi/pulumi";

/** Sink of debug messages; the shape the ECS client's `logger` option takes. */
export interface DebugLogger {
  debug(message: string): void;
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
    pulumi.log.debug(message).catch(() => undefined);
  },
};
