import { EXIT_DRIFT, EXIT_ERROR, EXIT_SUCCESS } from "./exitCodes";
import { KeyDifference, ServerResult } from "./compare";
import { ServerExpectation } from "./expectations";
import { escapeControlCharacters, quoteString } from "./terminalText";

/** Output formats of `check`. */
export const CHECK_FORMATS = ["text", "json", "markdown"] as const;
export type CheckFormat = (typeof CHECK_FORMATS)[number];

/** Counts over all servers of a check, and the exit status they lead to. */
export interface CheckSummary {
  readonly servers: number;
  readonly matched: number;
  readonly drifted: number;
  readonly failed: number;
  readonly differences: number;
  /** 1 when any server failed, else 2 when any drifted, else 0: an error leaves the check incomplete, so it wins over drift. */
  readonly exitCode: number;
}

const OUTCOME_BY_EXIT_CODE: Readonly<Record<number, string>> = { [EXIT_SUCCESS]: "match", [EXIT_DRIFT]: "drift", [EXIT_ERROR]: "error" };

const MARKDOWN_TITLE_BY_EXIT_CODE: Readonly<Record<number, string>> = {
  [EXIT_SUCCESS]: "no drift",
  [EXIT_DRIFT]: "drift found",
  [EXIT_ERROR]: "errors, the check is incomplete",
};

/** Counts the results and picks the exit status. */
export function summarize(results: readonly ServerResult[]): CheckSummary {
  const count = (status: ServerResult["status"]) => results.filter((result) => result.status === status).length;
  const failed = count("error");
  const drifted = count("drift");
  const differences = results.reduce((total, result) => total + (result.status === "drift" ? result.differences.length : 0), 0);
  let exitCode = EXIT_SUCCESS;
  if (failed > 0) {
    exitCode = EXIT_ERROR;
  } else if (drifted > 0) {
    exitCode = EXIT_DRIFT;
  }
  return { servers: results.length, matched: count("match"), drifted, failed, differences, exitCode };
}

/** Renders the results of a check in `format`, ending with a newline. */
export function renderCheckReport(results: readonly ServerResult[], format: CheckFormat): string {
  const summary = summarize(results);
  switch (format) {
    case "json":
      return JSON.stringify(toJsonReport(results, summary), null, 2) + "\n";
    case "markdown":
      return renderMarkdown(results, summary);
    default:
      return renderText(results, summary);
  }
}

function describeSummary(summary: CheckSummary): string {
  const servers = summary.servers === 1 ? "1 server" : `${summary.servers} servers`;
  const differences = summary.differences === 1 ? "1 difference" : `${summary.differences} differences`;
  return `${servers}: ${summary.matched} matched, ${summary.drifted} drifted, ${summary.failed} failed; ${differences}.`;
}

function labelOf(server: ServerExpectation): string {
  return server.name === undefined ? server.id : `${server.name} (${server.id})`;
}

// Text: one line per server, then one indented line per difference. Keys, names and messages come from
// the server or the file, so their control characters are escaped and no line can be forged.

function renderText(results: readonly ServerResult[], summary: CheckSummary): string {
  const lines: string[] = [];
  for (const result of results) {
    const label = escapeControlCharacters(labelOf(result.server));
    if (result.status === "match") {
      lines.push(`OK     ${label}: ${result.keysChecked === 1 ? "1 key matches" : `${result.keysChecked} keys match`}`);
    } else if (result.status === "error") {
      lines.push(`ERROR  ${label}: ${escapeControlCharacters(result.error.message)}`);
    } else {
      lines.push(`DRIFT  ${label}: ${result.differences.length === 1 ? "1 difference" : `${result.differences.length} differences`}`);
      for (const difference of result.differences) {
        lines.push(`  ${difference.kind.padEnd(10)}  ${escapeControlCharacters(difference.key)}: ${describeDifferenceText(difference)}`);
      }
    }
  }
  lines.push(describeSummary(summary));
  return lines.join("\n") + "\n";
}

function describeDifferenceText(difference: KeyDifference): string {
  const expected = expectedText(difference);
  switch (difference.kind) {
    case "changed":
      return difference.secret ? "the secret value differs" : `expected ${expected}, found ${quoteString(difference.actual ?? "")}`;
    case "missing":
      return difference.secret ? "the key with a secret value is not set" : `expected ${expected}, the key is not set`;
    default:
      return "set on the server but not in the expectations file";
  }
}

function expectedText(difference: KeyDifference): string {
  return difference.expectedSha256 !== undefined ? `a value with SHA-256 ${difference.expectedSha256}` : quoteString(difference.expected ?? "");
}

// JSON: every server and every difference, for scripts.

function toJsonReport(results: readonly ServerResult[], summary: CheckSummary): unknown {
  return {
    result: OUTCOME_BY_EXIT_CODE[summary.exitCode],
    exitCode: summary.exitCode,
    summary: {
      servers: summary.servers,
      matched: summary.matched,
      drifted: summary.drifted,
      failed: summary.failed,
      differences: summary.differences,
    },
    servers: results.map((result) => {
      const server = { id: result.server.id, ...(result.server.name === undefined ? {} : { name: result.server.name }), status: result.status };
      if (result.status === "error") {
        return { ...server, error: result.error };
      }
      return { ...server, keysChecked: result.keysChecked, differences: result.status === "drift" ? result.differences : [] };
    }),
  };
}

// Markdown: a summary and one table row per difference, for a pull-request or issue comment.

function renderMarkdown(results: readonly ServerResult[], summary: CheckSummary): string {
  const title = MARKDOWN_TITLE_BY_EXIT_CODE[summary.exitCode];
  const parts = [`## ECS metadata check: ${title}`, "", escapeMarkdown(describeSummary(summary))];

  const drifted = results.filter((result) => result.status === "drift");
  if (drifted.length > 0) {
    parts.push("", "| server | key | difference | expected | found |", "| --- | --- | --- | --- | --- |");
    for (const result of drifted) {
      for (const difference of result.differences) {
        const [expected, found] = markdownValues(difference);
        parts.push(`| ${markdownServer(result.server)} | ${codeSpan(difference.key)} | ${difference.kind} | ${expected} | ${found} |`);
      }
    }
  }

  const failed = results.filter((result) => result.status === "error");
  if (failed.length > 0) {
    parts.push("", "### Errors", "");
    for (const result of failed) {
      parts.push(`- ${markdownServer(result.server)}: ${escapeMarkdown(result.error.message)}`);
    }
  }

  const matched = results.filter((result) => result.status === "match");
  if (matched.length > 0) {
    parts.push("", `<details><summary>${matched.length === 1 ? "1 server matches" : `${matched.length} servers match`}</summary>`, "");
    for (const result of matched) {
      parts.push(`- ${markdownServer(result.server)}: ${result.keysChecked === 1 ? "1 key" : `${result.keysChecked} keys`}`);
    }
    parts.push("", "</details>");
  }
  return parts.join("\n") + "\n";
}

function markdownValues(difference: KeyDifference): [string, string] {
  if (difference.kind === "unexpected") {
    return ["(not listed)", "(value not shown)"];
  }
  const expected = difference.secret
    ? "(secret)"
    : difference.expectedSha256 !== undefined
      ? `SHA-256 ${codeSpan(difference.expectedSha256)}`
      : codeSpan(quoteString(difference.expected ?? ""));
  if (difference.kind === "missing") {
    return [expected, "(not set)"];
  }
  return [expected, difference.secret ? "(secret, differs)" : codeSpan(quoteString(difference.actual ?? ""))];
}

function markdownServer(server: ServerExpectation): string {
  return server.name === undefined ? codeSpan(server.id) : `${escapeMarkdown(server.name)} ${codeSpan(server.id)}`;
}

/** Wraps text in a code span that survives backticks and control characters in the text and a table cell around it. */
function codeSpan(raw: string): string {
  const text = escapeControlCharacters(raw);
  const longestRun = Math.max(0, ...(text.match(/`+/g) ?? []).map((run) => run.length));
  const fence = "`".repeat(longestRun + 1);
  const padded = text.startsWith("`") || text.endsWith("`") ? ` ${text} ` : text;
  return `${fence}${padded.replace(/\|/g, "\\|")}${fence}`;
}

/** Escapes control characters as `\n` or `\u001b`, then the characters that Markdown or HTML would interpret. */
function escapeMarkdown(text: string): string {
  return escapeControlCharacters(text).replace(/([\\`*_{}[\]()#+!|<>~&])/g, "\\$1");
}
