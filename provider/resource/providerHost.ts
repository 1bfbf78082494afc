import { homedir } from "node:os";

import type * as pulumi from "@pulumi/pulumi";

import { resolveLookupTarget } from "../auth/lookupAuth";
import { InvalidInputError, KeyNotFoundError, ServerNotFoundError } from "../client";
import { resolveAuthCredentials } from "../auth/credentials";
import { checkMetadataKey, checkServerId, resolveRetrySettings, resolveThroughputSettings } from "../settings";
import { defaultSources } from "../settings/defaultSources";
import type { ExtendedSettingsSource } from "../settings/extendedSources";
import { pulumiDebugLogger } from "./debugLogger";
import { checkInputs, REPLACE_ON_CHANGE, toLookupInputs, UNKNOWN_VALUE, unknownInputNames } from "./inputs";
import { lookupServerMetadataKey } from "./lookup";
import { ServerMetadataKeyOutputs } from "./types";

/** Sends the settings resolution's debug lines and warnings to the Pulumi log. */
const lookupAuthLogger = {
  debug: (message: string) => pulumiDebugLogger.debug(message),
  warn: (message: string) => pulumiDebugLogger.warn?.(message),
};

/** Inputs that `check` fills in from stack config or the environment when the program leaves them out. */
const SETTING_INPUT_NAMES = ["projectId", "region", "endpoint"] as const;

/**
 * Implementation of `ServerMetadataKey` that runs inside Pulumi's dynamic-provider host.
 *
 * The serialized provider stored in state only loads this module by name and forwards each call to
 * {@link hostProvider}, so that refresh and delete of old state run the installed package. Keep the
 * method names and arguments of `pulumi.dynamic.ResourceProvider` here for every later release, and
 * accept the state of earlier releases: 0.1.0 stored no `secret`, `ifMissing`, `defaultValue` or `found`.
 */
class ServerMetadataKeyHostProvider implements pulumi.dynamic.ResourceProvider {
  private config: pulumi.dynamic.Config | undefined;
  private cachedSources: ExtendedSettingsSource[] | undefined;

  /** Stores the stack config that the engine hands the host; secrets in it stay in this process. */
  async configure(request: pulumi.dynamic.ConfigureRequest): Promise<void> {
    this.config = request.config;
    this.cachedSources = undefined;
  }

  /**
   * Validates the inputs and the retry settings without sending a request, fills in the defaults, and
   * resolves `projectId`, `region` and `endpoint` from the settings. The checked inputs are then exactly what `read`
   * rebuilds from the outputs, so a refresh with no remote change changes no input.
   */
  async check(_olds: Record<string, unknown>, news: Record<string, unknown>): Promise<pulumi.dynamic.CheckResult> {
    const { inputs, failures } = checkInputs(news);
    if (failures.length > 0) {
      return { inputs, failures };
    }
    // During a preview a setting input may be unknown; create resolves the settings again anyway.
    if (SETTING_INPUT_NAMES.some((name) => inputs[name] === UNKNOWN_VALUE)) {
      return { inputs, failures };
    }

    try {
      // Every setting a lookup needs is checked here, so a preview fails on it rather than the later update.
      const sources = this.sources();
      resolveRetrySettings(sources);
      resolveThroughputSettings(sources);
      const target = await resolveLookupTarget(toLookupInputs(inputs), sources, { logger: lookupAuthLogger });
      resolveAuthCredentials(sources);
      return { inputs: { ...inputs, projectId: target.projectId, region: target.region, endpoint: target.endpoint }, failures };
    } catch (error) {
      if (error instanceof InvalidInputError) {
        return { inputs, failures: [{ property: error.property, reason: error.message }] };
      }
      throw error;
    }
  }

  /**
   * Requests replacement when the resolved target changed. Otherwise reads the live value, so that a
   * value changed on the server becomes an update. Sends no request while an input is unknown.
   */
  async diff(_id: string, olds: Record<string, unknown>, news: Record<string, unknown>): Promise<pulumi.dynamic.DiffResult> {
    const unknown = unknownInputNames(news);
    if (unknown.length > 0) {
      const replaces = unknown.filter((name) => (REPLACE_ON_CHANGE as readonly string[]).includes(name));
      return { changes: true, replaces, deleteBeforeReplace: false };
    }

    const inputs = toLookupInputs(news);
    const target = await resolveLookupTarget(inputs, this.sources(), { logger: lookupAuthLogger });
    const replaces = REPLACE_ON_CHANGE.filter((name) => (olds[name] ?? null) !== (target[name] ?? null));
    if (replaces.length > 0) {
      return { changes: true, replaces, deleteBeforeReplace: false };
    }

    // State written by 0.1.0 has none of these outputs; its lookups behaved like the defaults.
    const behaviourChanged =
      (olds.secret ?? false) !== inputs.secret ||
      (olds.ifMissing ?? "fail") !== inputs.ifMissing ||
      (olds.defaultValue ?? null) !== (inputs.defaultValue ?? null);
    const live = await lookupServerMetadataKey(inputs, this.sources(), { logger: pulumiDebugLogger });
    const valueChanged = live.value !== olds.value || live.found !== (olds.found ?? true);
    return { changes: behaviourChanged || valueChanged, replaces: [], deleteBeforeReplace: false };
  }

  async create(inputs: Record<string, unknown>): Promise<pulumi.dynamic.CreateResult<ServerMetadataKeyOutputs>> {
    const outs = await lookupServerMetadataKey(toLookupInputs(inputs), this.sources(), { logger: pulumiDebugLogger });
    return { id: formatId(outs.serverId, outs.key), outs };
  }

  /**
   * Reads the live value of the stored target. With no stored target, as when importing, the target
   * comes from the id `{serverId}/{key}` and the current settings. A key or server that no longer
   * exists returns an empty id, so that refresh removes the resource from state.
   */
  async read(id: string, props: Record<string, unknown>): Promise<pulumi.dynamic.ReadResult> {
    const inputs = typeof props.serverId === "string" && typeof props.key === "string" ? toLookupInputs(props) : parseId(id);

    let outs: ServerMetadataKeyOutputs;
    try {
      outs = await lookupServerMetadataKey(inputs, this.sources(), { logger: pulumiDebugLogger });
    } catch (error) {
      if (error instanceof KeyNotFoundError || error instanceof ServerNotFoundError) {
        pulumiDebugLogger.debug(`Resource ${id} no longer exists (${error.name}); refresh removes it from state.`);
        return { id: "", props: {} };
      }
      throw error;
    }
    return { id: formatId(outs.serverId, outs.key), props: outs, inputs: inputsOf(outs) };
  }

  async update(
    _id: string,
    _olds: Record<string, unknown>,
    news: Record<string, unknown>,
  ): Promise<pulumi.dynamic.UpdateResult<ServerMetadataKeyOutputs>> {
    const outs = await lookupServerMetadataKey(toLookupInputs(news), this.sources(), { logger: pulumiDebugLogger });
    return { outs };
  }

  /** Deletes nothing remote: the resource only reads a value. */
  async delete(): Promise<void> {}

  /** Returns the settings sources of this host, built once per configuration so lookups can share what they resolve from them. */
  private sources(): ExtendedSettingsSource[] {
    if (this.cachedSources === undefined) {
      const config = this.config;
      this.cachedSources = defaultSources({ getConfig: (key) => config?.get(key), env: process.env, homeDirectory: homedir() });
    }
    return this.cachedSources;
  }
}

/** Formats the resource id `{serverId}/{key}`; a key never contains `/`. */
export function formatId(serverId: string, key: string): string {
  return `${serverId}/${key}`;
}

/** Parses and validates a resource id `{serverId}/{key}`, such as the id given to `pulumi import`. */
export function parseId(id: string): { serverId: string; key: string } {
  const separator = id.indexOf("/");
  if (separator <= 0 || separator === id.length - 1) {
    throw new InvalidInputError("id", `Resource id "${id}" is not of the form {serverId}/{key}, such as 5b5c1e1e-1111-2222-3333-444455556666/role.`);
  }

  const serverId = id.slice(0, separator);
  const key = id.slice(separator + 1);
  const reason = checkServerId(serverId) ?? checkMetadataKey(key);
  if (reason !== undefined) {
    throw new InvalidInputError("id", `Resource id "${id}" is invalid: ${reason}`);
  }
  return { serverId, key };
}

/** Returns the inputs that `check` produces for the lookup that returned `outs`. */
function inputsOf(outs: ServerMetadataKeyOutputs): Record<string, unknown> {
  const { value: _value, found: _found, ...inputs } = outs;
  return inputs;
}

/** Single provider instance of this process, which the serialized provider forwards to. */
export const hostProvider = new ServerMetadataKeyHostProvider();
