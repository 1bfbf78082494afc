/** Exit status of a successful command, and of a check in which every expected pair matched. */
export const EXIT_SUCCESS = 0;

/** Exit status of an error: invalid arguments, an invalid expectations file or a failed request. */
export const EXIT_ERROR = 1;

/** Exit status of a check that found drift and no error. */
export const EXIT_DRIFT = 2;

/** Error for invalid command-line input or an unsupported option, reported without a stack trace. */
export class CliUsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "CliUsageError";
  }
}
