import type * as pulumi from "@pulumi/pulumi";

import { InvalidInputError } from "../client";
import { createConfigSource, createEnvironmentSource, resolveTarget, SettingsSource } from "../settings";
import { checkInputs, REPLACE_ON_CHANGE, toLookupInputs, unknownInputNames } from "./inputs";
import { lookupServerMetadataKey } from "./lookup";
import { ServerMetadataKeyOutputs } from "./types";

/**
 * Implementation of `ServerMetadataKey` that runs inside Pulumi's dynamic-provider host.
 *
 * The serialized provider stored in state only loads this module by name and forwards each call to
 * {@link hostProvider}, so that refresh and delete of old state run the installed package. Keep the
 * method names and arguments of `pulumi.dynamic.ResourceProvider` here for every later release.
 */
class ServerMetadataKeyHostProvider implements pulumi.dynamic.ResourceProvider {
  private config: pulumi.dynamic.Config | undefined;

  /** Stores the stack config that the engine hands the host; secrets in it stay in this process. */
  async configure(request: pulumi.dynamic.ConfigureRequest): Promise<void> {
    this.config = request.config;
  }

  async check(_olds: Record<string, unknown>, news: Record<string, unknown>): Promise<pulumi.dynamic.CheckResult> {
    return checkInputs(news);
  }

  /**
   * Requests replacement when the resolved target changed, and otherwise reads the live value, so
   * that a value changed on the server becomes an update.
   */
  async diff(_id: string, olds: Record<string, unknown>, news: Record<string, unknown>): Promise<pulumi.dynamic.DiffResult> {
    const unknown = unknownInputNames(news);
    if (unknown.length > 0) {
      return { changes: true, replaces: unknown, deleteBeforeReplace: false };
    }

    const target = resolveTarget(toLookupInputs(news), this.sources());
    const replaces = REPLACE_ON_CHANGE.filter((name) => (olds[name] ?? null) !== (target[name] ?? null));
    if (replaces.length > 0) {
      return { changes: true, replaces, deleteBeforeReplace: false };
    }

    const live = await lookupServerMetadataKey(toLookupInputs(news), this.sources());
    return { changes: live.value !== olds.value, replaces: [], deleteBeforeReplace: false };
  }

  async create(inputs: Record<string, unknown>): Promise<pulumi.dynamic.CreateResult<ServerMetadataKeyOutputs>> {
    const outs = await lookupServerMetadataKey(toLookupInputs(inputs), this.sources());
    return { id: formatId(outs.serverId, outs.key), outs };
  }

  /**
   * Reads the live value of the stored target. With no stored properties, as when importing, the
   * target comes from the id `{serverId}/{key}` and the current settings.
   */
  async read(id: string, props: Record<string, unknown>): Promise<pulumi.dynamic.ReadResult> {
    const inputs = typeof props.serverId === "string" && typeof props.key === "string" ? toLookupInputs(props) : parseId(id);
    const outs = await lookupServerMetadataKey(inputs, this.sources());
    return { id: formatId(outs.serverId, outs.key), props: outs, inputs: targetInputsOf(outs) };
  }

  async update(
    _id: string,
    _olds: Record<string, unknown>,
    news: Record<string, unknown>,
  ): Promise<pulumi.dynamic.UpdateResult<ServerMetadataKeyOutputs>> {
    const outs = await lookupServerMetadataKey(toLookupInputs(news), this.sources());
    return { outs };
  }

  /** Deletes nothing remote: the resource only reads a value. */
  async delete(): Promise<void> {}

  private sources(): SettingsSource[] {
    const config = this.config;
    return [createConfigSource((key) => config?.get(key)), createEnvironmentSource(process.env)];
  }
}

/** Formats the resource id `{serverId}/{key}`; a key never contains `/`. */
export function formatId(serverId: string, key: string): string {
  return `${serverId}/${key}`;
}

/** Parses a resource id `{serverId}/{key}`. */
export function parseId(id: string): { serverId: string; key: string } {
  const separator = id.indexOf("/");
  if (separator <= 0 || separator === id.length - 1) {
    throw new InvalidInputError("id", `Resource id "${id}" is not of the form {serverId}/{key}, such as 5b5c1e1e-1111-2222-3333-444455556666/role.`);
  }
  return { serverId: id.slice(0, separator), key: id.slice(separator + 1) };
}

function targetInputsOf(outs: ServerMetadataKeyOutputs): Record<string, string> {
  const inputs: Record<string, string> = {
    serverId: outs.serverId,
    key: outs.key,
    projectId: outs.projectId,
    endpoint: outs.endpoint,
    apiVersion: outs.apiVersion,
  };
  if (outs.region !== null) {
    inputs.region = outs.region;
  }
  return inputs;
}

/** Single provider instance of this process, which the serialized provider forwards to. */
export const hostProvider = new ServerMetadataKeyHostProvider();
