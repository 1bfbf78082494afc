import { accessSync, constants, statSync, writeFileSync } from "node:fs";
import { dirname, resolve } from "node:path";

import { CliUsageError } from "./exitCodes";
import { escapeControlCharacters } from "./terminalText";

/**
 * Checks that `output` can be written before any request is sent: its folder exists and is writable,
 * it is not a folder, and it does not exist unless `force` is set.
 *
 * @throws {@link CliUsageError} naming the path and what to do.
 */
export function checkOutputPath(output: string, force: boolean): void {
  const shown = escapeControlCharacters(output);
  const folder = dirname(resolve(output));

  const folderKind = kindOf(folder);
  if (folderKind === undefined) {
    throw new CliUsageError(`--output ${shown}: the folder ${escapeControlCharacters(folder)} does not exist; create it first or choose another path.`);
  }
  if (folderKind !== "folder") {
    throw new CliUsageError(`--output ${shown}: ${escapeControlCharacters(folder)} is not a folder; choose another path.`);
  }

  const outputKind = kindOf(output);
  if (outputKind === "folder") {
    throw new CliUsageError(`--output ${shown} is a folder; give the path of a file in it, such as ${escapeControlCharacters(resolve(output, "expectations.yaml"))}.`);
  }
  if (outputKind !== undefined && !force) {
    throw new CliUsageError(`--output ${shown} exists; pass --force to overwrite it, or choose another file.`);
  }

  // NOTE: access() checks the permission as this process has it, but a file system mounted read-only can still fail the write later.
  const checked = outputKind === undefined ? folder : output;
  try {
    accessSync(checked, constants.W_OK);
  } catch {
    throw new CliUsageError(`--output ${shown}: ${escapeControlCharacters(checked)} is not writable; check its permissions or choose another path.`);
  }
}

/** Writes `text` to `output`, and turns a failed write into a {@link CliUsageError} naming the path and the error code. */
export function writeOutputFile(output: string, text: string): void {
  try {
    writeFileSync(output, text, { encoding: "utf8", mode: 0o644 });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? "error";
    throw new CliUsageError(`--output ${escapeControlCharacters(output)} could not be written (${code}); check the path and its permissions.`);
  }
}

function kindOf(path: string): "folder" | "other" | undefined {
  try {
    return statSync(path).isDirectory() ? "folder" : "other";
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT" || code === "ENOTDIR") {
      return undefined;
    }
    throw new CliUsageError(`--output: ${escapeControlCharacters(path)} cannot be read (${code ?? "error"}); check the path and its permissions.`);
  }
}
