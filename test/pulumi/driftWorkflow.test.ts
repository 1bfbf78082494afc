// The drift-check example's CI workflow: valid YAML with the documented gate, and a preview step that
// distinguishes drift from failure. The step's script runs in bash with a stand-in `pulumi` command.
import { spawnSync } from "node:child_process";
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

import { parse } from "yaml";

import { REPOSITORY_ROOT } from "../support/providerFixtures";

const EXAMPLE = path.join(REPOSITORY_ROOT, "examples/drift-check");
const WORKFLOW_PATH = path.join(EXAMPLE, ".github/workflows/drift-check.yml");

interface WorkflowStep {
  readonly name?: string;
  readonly id?: string;
  readonly uses?: string;
  readonly run?: string;
}

interface Workflow {
  readonly on: { readonly schedule?: Array<{ cron: string }>; readonly workflow_dispatch?: unknown };
  readonly jobs: Record<string, { readonly steps: WorkflowStep[]; readonly "timeout-minutes"?: number }>;
}

const workflow = parse(readFileSync(WORKFLOW_PATH, "utf8")) as Workflow;
const steps = Object.values(workflow.jobs).flatMap((job) => job.steps);
const previewStep = steps.find((step) => step.run?.includes("pulumi preview"));

/** Result of running the preview step's script with a stand-in `pulumi`. */
interface StepRun {
  readonly status: number | null;
  readonly result: string | undefined;
  readonly stdout: string;
}

/** Runs the preview step's script in bash, with a `pulumi` that prints `output` and exits with `exitCode`. */
function runPreviewStep(exitCode: number, output: string): StepRun {
  const directory = mkdtempSync(path.join(tmpdir(), "drift-step-"));
  try {
    const fakePulumi = path.join(directory, "pulumi");
    writeFileSync(fakePulumi, `#!/usr/bin/env bash\nprintf '%s\\n' "$FAKE_PULUMI_OUTPUT"\nexit "$FAKE_PULUMI_EXIT"\n`);
    chmodSync(fakePulumi, 0o755);
    const outputFile = path.join(directory, "github-output");
    writeFileSync(outputFile, "");

    // GitHub runs `shell: bash` steps as `bash --noprofile --norc -eo pipefail {0}`.
    const script = path.join(directory, "step.sh");
    writeFileSync(script, previewStep!.run!);
    const child = spawnSync("bash", ["--noprofile", "--norc", "-eo", "pipefail", script], {
      cwd: directory,
      encoding: "utf8",
      timeout: 10_000,
      env: {
        PATH: `${directory}:${process.env.PATH}`,
        GITHUB_OUTPUT: outputFile,
        PULUMI_STACK: "prod",
        FAKE_PULUMI_EXIT: String(exitCode),
        FAKE_PULUMI_OUTPUT: output,
      },
    });
    const result = /^result=(.*)$/m.exec(readFileSync(outputFile, "utf8"))?.[1];
    return { status: child.status, result, stdout: child.stdout };
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
}

describe("drift-check workflow", () => {
  it("runs on a schedule and by hand", () => {
    expect(workflow.on.schedule?.[0].cron).toMatch(/^\S+ \S+ \S+ \S+ \S+$/);
    expect(workflow.on).toHaveProperty("workflow_dispatch");
  });

  it("bounds the job's time", () => {
    expect(Object.values(workflow.jobs).every((job) => typeof job["timeout-minutes"] === "number")).toBe(true);
  });

  it("runs the refresh preview gate on the example", () => {
    const command = previewStep?.run?.split("\n").find((line) => line.includes("pulumi preview"));
    expect(command).toBeDefined();
    for (const flag of ["--refresh", "--expect-no-changes", "--non-interactive", "--cwd examples/drift-check", '--stack "$PULUMI_STACK"']) {
      expect({ flag, present: command!.includes(flag) }).toEqual({ flag, present: true });
    }
  });

  it("builds the package before the preview", () => {
    const buildIndex = steps.findIndex((step) => step.run?.includes("npm run build"));
    expect(buildIndex).toBeGreaterThanOrEqual(0);
    expect(buildIndex).toBeLessThan(steps.indexOf(previewStep!));
  });

  it("passes with no drift", () => {
    const run = runPreviewStep(0, "Resources: 3 unchanged");
    expect(run).toMatchObject({ status: 0, result: "clean" });
  });

  it("reports exit code 7 as drift", () => {
    const run = runPreviewStep(7, "~ 1 to update");
    expect(run).toMatchObject({ status: 1, result: "drift" });
    expect(run.stdout).toContain("::error title=Drift detected::");
  });

  it("reports an older CLI's drift error as drift", () => {
    const run = runPreviewStep(255, "error: no changes were expected but changes were proposed");
    expect(run).toMatchObject({ status: 1, result: "drift" });
  });

  it("reports any other exit code 255 as a failure", () => {
    const run = runPreviewStep(255, "error: failed to decrypt configuration");
    expect(run).toMatchObject({ status: 2, result: "failure" });
    expect(run.stdout).toContain("::error title=Drift check failed::");
  });

  it("reports exit code 1 as a failure", () => {
    const run = runPreviewStep(1, "error: program failed");
    expect(run).toMatchObject({ status: 2, result: "failure" });
  });
});

describe("drift-check README", () => {
  const readme = readFileSync(path.join(EXAMPLE, "README.md"), "utf8");

  it("documents the gate and its exit codes", () => {
    expect(readme).toContain("pulumi preview --refresh --expect-no-changes");
    expect(readme).toMatch(/\b7\b/);
    expect(readme).toMatch(/\b255\b/);
  });
});
