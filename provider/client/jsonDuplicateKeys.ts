/**
 * Returns the first object member name that appears twice in the same object of a JSON text, with
 * the path of that object (such as `meta`), or `undefined` when there is none. `JSON.parse` keeps
 * only the last of duplicate names, so a body such as `{"meta": {"role": "a", "role": "b"}}` would
 * otherwise pass as one pair. The text must already be valid JSON; this scan does not check syntax.
 */
export function findDuplicateJsonKey(text: string): { readonly key: string; readonly path: string } | undefined {
  // One entry per open container: the member names seen so far for an object, undefined for an array.
  const stack: { names: Set<string> | undefined; path: string; pendingName?: string }[] = [];
  let index = 0;

  while (index < text.length) {
    const character = text[index];

    if (character === '"') {
      const end = findStringEnd(text, index);
      const top = stack[stack.length - 1];
      if (top?.names !== undefined && isFollowedByColon(text, end)) {
        const name = JSON.parse(text.slice(index, end)) as string;
        if (top.names.has(name)) {
          return { key: name, path: top.path };
        }
        top.names.add(name);
        top.pendingName = name;
      }
      index = end;
      continue;
    }

    if (character === "{" || character === "[") {
      const parent = stack[stack.length - 1];
      const step = parent === undefined ? "" : parent.names === undefined ? `${parent.path}[]` : joinPath(parent.path, parent.pendingName ?? "");
      stack.push({ names: character === "{" ? new Set() : undefined, path: step });
    } else if (character === "}" || character === "]") {
      stack.pop();
    }
    index += 1;
  }
  return undefined;
}

/** Returns the index just past the closing quote of the string that starts at `start`. */
function findStringEnd(text: string, start: number): number {
  let index = start + 1;
  while (index < text.length) {
    if (text[index] === "\\") {
      index += 2;
    } else if (text[index] === '"') {
      return index + 1;
    } else {
      index += 1;
    }
  }
  return text.length;
}

function isFollowedByColon(text: string, index: number): boolean {
  let position = index;
  while (position < text.length && /\s/.test(text[position])) {
    position += 1;
  }
  return text[position] === ":";
}

function joinPath(parent: string, name: string): string {
  return parent === "" ? name : `${parent}.${name}`;
}
