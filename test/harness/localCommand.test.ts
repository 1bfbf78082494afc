import { mkdtempSync, realpathSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";

import { runLocalCommand } from "../../provider/harness";

describe("runLocalCommand", () => {
  it("returns inputs, stdout and stderr", async () => {
    const state = await runLocalCommand("c", { create: 'printf "out\\n\\n"; printf "err\\n" >&2', triggers: ["a"] });

    expect(state).toEqual({ create: 'printf "out\\n\\n"; printf "err\\n" >&2', triggers: ["a"], stdout: "out\n", stderr: "err" });
  });

  it("runs in dir", async () => {
    const folder = realpathSync(mkdtempSync(path.join(os.tmpdir(), "harness-command-")));
    try {
      const state = await runLocalCommand("c", { create: "pwd", dir: folder });

      expect(state.stdout).toBe(folder);
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });

  it("adds environment to the base environment", async () => {
    const state = await runLocalCommand("c", { create: 'echo "$BASE-$EXTRA"', environment: { EXTRA: "added" } }, { PATH: process.env.PATH, BASE: "base" });

    expect(state.stdout).toBe("base-added");
  });

  it("feeds stdin to the script", async () => {
    const state = await runLocalCommand("c", { create: "tr a-z A-Z", stdin: "quiet" });

    expect(state.stdout).toBe("QUIET");
  });

  it("ignores unread stdin", async () => {
    const state = await runLocalCommand("c", { create: "true", stdin: "x".repeat(1 << 20) });

    expect(state.stdout).toBe("");
  });

  it("uses the interpreter input", async () => {
    const state = await runLocalCommand("c", { create: "console.log(6 * 7)", interpreter: [process.execPath, "-e"] });

    expect(state.stdout).toBe("42");
  });

  it("runs nothing without create", async () => {
    await expect(runLocalCommand("c", { delete: "true" })).resolves.toEqual({ delete: "true" });
  });

  it("rejects a non-zero exit", async () => {
    const run = runLocalCommand("broken", { create: 'echo "no space left" >&2; exit 4' });

    await expect(run).rejects.toThrow('command broken failed with exit code 4: echo "no space left" >&2; exit 4\nstderr: no space left');
  });

  it("rejects a non-string environment value", async () => {
    await expect(runLocalCommand("c", { create: "true", environment: { N: 1 } })).rejects.toThrow(
      "command c: environment.N must be a string, got 1",
    );
  });
});
