/**
 * Returns the message of a `JSON.parse` error without the excerpt of the input that V8 quotes in some
 * messages (`Unexpected token 's', "{"a": secret-key"... is not valid JSON`). The input may be a data
 * file with secret keys or a request body, and the message goes to logs.
 */
export function describeJsonSyntaxError(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.replace(/, (?:\.\.\.)?".*"(?:\.\.\.)? is not valid JSON$/s, " (input excerpt left out)");
}

/**
 * Describes a member name that appears twice in one object, as `findDuplicateJsonKey` reports it.
 * The path shows array elements as `[]`, because that scanner does not count array positions.
 */
export function describeDuplicateKey(duplicate: { readonly key: string; readonly path: string }): string {
  return `${duplicate.path === "" ? "(root)" : duplicate.path}: duplicate key ${JSON.stringify(duplicate.key)}; JSON.parse would keep only the last value, so remove or rename one`;
}
