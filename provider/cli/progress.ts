import { SingleBar } from "cli-progress";

/** Smallest number of servers for which `check` shows a progress bar; smaller sets finish in a few round trips. */
export const PROGRESS_MIN_SERVERS = 20;

/** Receiver of a run's progress, called once per finished server. */
export interface ProgressReporter {
  increment(): void;
  stop(): void;
}

/**
 * Starts a progress bar on stderr when stderr is a terminal, `total` is at least
 * {@link PROGRESS_MIN_SERVERS} and `quiet` is off; otherwise returns a reporter that prints nothing.
 * stdout never gets progress output, so a report piped from it stays clean.
 */
export function startProgress(total: number, options: { readonly quiet: boolean; readonly stream?: NodeJS.WriteStream }): ProgressReporter {
  const stream = options.stream ?? process.stderr;
  if (options.quiet || !stream.isTTY || total < PROGRESS_MIN_SERVERS) {
    return { increment: () => undefined, stop: () => undefined };
  }

  const bar = new SingleBar({
    stream,
    format: "Checking servers [{bar}] {value}/{total} {percentage}% | {duration}s",
    hideCursor: true,
    clearOnComplete: true,
  });
  bar.start(total, 0);
  return { increment: () => bar.increment(), stop: () => bar.stop() };
}
