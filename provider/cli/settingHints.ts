/**
 * Library setting names that messages may suggest, with what a command-line user sets instead. The
 * client's messages are written for Pulumi users, who set `huaweicloud:*` stack config, but the
 * command reads no stack config.
 */
const COMMAND_LINE_SETTINGS: readonly (readonly [string, string])[] = [
  ["huaweicloud:lookupTimeout", "--timeout (or HW_LOOKUP_TIMEOUT)"],
  ["huaweicloud:maxRetries", "HW_MAX_RETRIES"],
];

/** Rewrites the stack config names in a library message to the option or variable that sets the same thing for the command. */
export function rewriteSettingHints(message: string): string {
  let rewritten = message;
  for (const [configName, commandLineName] of COMMAND_LINE_SETTINGS) {
    rewritten = rewritten.split(configName).join(commandLineName);
  }
  return rewritten;
}
