import { Command, InvalidArgumentError, Option } from "commander";

import { API_VERSIONS, ApiVersion, DEFAULT_DEADLINE_MS } from "../client";
import { checkEndpoint, checkProjectId, checkRegion } from "../settings";
import type { ExtendedSettingName, ExtendedSettingsSource } from "../settings/extendedSources";
import { CliUsageError } from "./exitCodes";

/** Options every subcommand takes. None of them carries a secret: credentials come from the environment or the profile file. */
export interface CommonOptions {
  readonly region?: string;
  readonly projectId?: string;
  readonly endpoint?: string;
  readonly apiVersion?: ApiVersion;
  readonly profile?: string;
  /** Maximum number of requests in flight at once. */
  readonly concurrency: number;
  /** Time limit of each lookup in milliseconds, retries included; the client's default when absent. */
  readonly deadlineMs?: number;
  readonly quiet: boolean;
}

/** Requests in flight at once when `--concurrency` is not given, far below the API gateway's default limit of 200 calls a second. */
export const DEFAULT_CONCURRENCY = 8;
const MAX_CONCURRENCY = 64;

const MAX_TIMEOUT_SECONDS = 3600;

/** Adds the options that every subcommand takes to `command`. */
export function addCommonOptions(command: Command): Command {
  return command
    .option("--region <region>", "region of the servers, such as cn-north-4 (default: $HW_REGION_NAME)")
    .option("--project-id <id>", "project id of the servers, 32 hex characters (default: $HW_PROJECT_ID)")
    .option("--endpoint <url>", "ECS endpoint URL (default: https://ecs.{region}.myhuaweicloud.com)")
    .addOption(new Option("--api-version <version>", "ECS API version of the requests (default: v2.1)").choices([...API_VERSIONS]))
    .option(
      "--profile <name>",
      "profile of the KooCLI config file ~/.hcloud/config.json (or $HW_SHARED_CONFIG_FILE) to read credentials, region and project id from (default: $HW_PROFILE, else the file's current profile)",
    )
    .option("--concurrency <count>", `maximum number of requests in flight at once, 1 to ${MAX_CONCURRENCY}`, parseConcurrency, DEFAULT_CONCURRENCY)
    .option(
      "--timeout <seconds>",
      `time limit of each lookup in seconds, every retry included, such as 30 or 2.5 (default: $HW_LOOKUP_TIMEOUT, else ${DEFAULT_DEADLINE_MS / 1000})`,
      parseTimeoutSeconds,
    )
    .option("-q, --quiet", "print no progress bar and no notes on stderr; check prints no report either, and only its exit status tells the result");
}

/** Reads the common options from commander's parsed values and checks them before any request is sent. */
export function readCommonOptions(values: Record<string, unknown>): CommonOptions {
  const profile = optionalString(values.profile);
  if (profile !== undefined && profile.trim() === "") {
    throw new CliUsageError(`--profile "${profile}" is empty; give the name of a profile in ~/.hcloud/config.json, such as default.`);
  }
  const region = optionalString(values.region);
  const projectId = optionalString(values.projectId);
  const endpoint = values.endpoint === undefined ? undefined : normalizeEndpoint(String(values.endpoint));
  throwIfInvalid(region === undefined ? undefined : checkRegion(region, "--region"));
  throwIfInvalid(projectId === undefined ? undefined : checkProjectId(projectId, "--project-id"));
  throwIfInvalid(endpoint === undefined ? undefined : checkEndpoint(endpoint, "--endpoint"));

  return {
    region,
    projectId,
    endpoint,
    apiVersion: values.apiVersion as ApiVersion | undefined,
    profile,
    concurrency: values.concurrency as number,
    deadlineMs: values.timeout === undefined ? undefined : Math.max(1, Math.round((values.timeout as number) * 1000)),
    quiet: values.quiet === true,
  };
}

const FLAG_NAMES: Readonly<Partial<Record<ExtendedSettingName, string>>> = {
  region: "--region",
  projectId: "--project-id",
  endpoints: "--endpoint",
  lookupTimeout: "--timeout",
};

/**
 * Creates the settings source of the `--region`, `--project-id`, `--endpoint` and `--timeout` options,
 * which the command puts before every other source. It returns no credentials.
 */
export function createOptionSource(options: CommonOptions): ExtendedSettingsSource {
  return {
    description: "command-line options",
    nameOf: (setting) => FLAG_NAMES[setting],
    get: (setting) => {
      switch (setting) {
        case "region":
          return options.region;
        case "projectId":
          return options.projectId;
        case "endpoints":
          return options.endpoint === undefined ? undefined : JSON.stringify({ ecs: options.endpoint });
        case "lookupTimeout":
          // Shadows HW_LOOKUP_TIMEOUT, so that an invalid value there fails nothing. The setting takes whole seconds,
          // so this rounds up; the reader then uses the exact deadlineMs of --timeout.
          return options.deadlineMs === undefined ? undefined : String(Math.min(MAX_TIMEOUT_SECONDS, Math.ceil(options.deadlineMs / 1000)));
        default:
          return undefined;
      }
    },
  };
}

function parseConcurrency(text: string): number {
  const value = /^\d+$/.test(text) ? Number(text) : Number.NaN;
  if (!Number.isSafeInteger(value) || value < 1 || value > MAX_CONCURRENCY) {
    throw new InvalidArgumentError(`Use a whole number from 1 to ${MAX_CONCURRENCY}.`);
  }
  return value;
}

function parseTimeoutSeconds(text: string): number {
  const value = /^\d+(\.\d+)?$/.test(text) ? Number(text) : Number.NaN;
  if (!(value > 0) || value > MAX_TIMEOUT_SECONDS) {
    throw new InvalidArgumentError(`Use a number of seconds above 0 and at most ${MAX_TIMEOUT_SECONDS}, such as 30 or 2.5.`);
  }
  return value;
}

/** Adds `https://` to an endpoint without a scheme, as the `huaweicloud:endpoints` setting does. */
function normalizeEndpoint(value: string): string {
  return /^[a-zA-Z][a-zA-Z0-9+.-]*:\/\//.test(value) ? value : `https://${value}`;
}

function optionalString(value: unknown): string | undefined {
  return typeof value === "string" ? value : undefined;
}

function throwIfInvalid(reason: string | undefined): void {
  if (reason !== undefined) {
    throw new CliUsageError(reason);
  }
}
