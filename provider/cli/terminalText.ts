/**
 * C0 controls, DEL, C1 controls and the Unicode line and paragraph separators. Any of them in text
 * from a server or a file could end a line early or start a terminal escape sequence.
 */
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g;

const SHORT_ESCAPES: Readonly<Record<string, string>> = { "\b": "\\b", "\t": "\\t", "\n": "\\n", "\f": "\\f", "\r": "\\r" };

/** Returns whether `text` contains a character that {@link escapeControlCharacters} would escape. */
export function hasControlCharacters(text: string): boolean {
  return text.search(CONTROL_CHARACTERS) !== -1;
}

/**
 * Replaces each control character with its JSON-style escape, such as `\n` or `\u001b`, so that the
 * text stays on one line and sends no escape sequence to a terminal. Other characters, backslashes
 * included, are kept, so the result is for reading rather than for parsing back.
 */
export function escapeControlCharacters(text: string): string {
  return text.replace(CONTROL_CHARACTERS, (character) => SHORT_ESCAPES[character] ?? `\\u${character.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

/** Quotes `text` as a JSON string that also escapes DEL, the C1 controls and U+2028/U+2029, which JSON.stringify keeps. */
export function quoteString(text: string): string {
  return escapeControlCharacters(JSON.stringify(text));
}

/** Returns `text` as it is when it has no control character, else as {@link quoteString} quotes it. */
export function quoteIfControlCharacters(text: string): string {
  return hasControlCharacters(text) ? quoteString(text) : text;
}
