import * as pulumi from "@pulumi/pulumi";

import { type PropertyMap } from "./dynamicProviderClient";
import { startDynamicProviderHost, type DynamicProviderHost } from "./dynamicProviderHost";
import { LOCAL_COMMAND_TYPE, runLocalCommand } from "./localCommand";
import {
  containsUnknown,
  makeResourceUrn,
  NO_OPTIONS,
  readRegistrationOptions,
  toEngineInputs,
  type RegistrationOptions,
} from "./registrationOptions";

/** Prefix of the type tokens of `pulumi.dynamic.Resource`, such as `pulumi-nodejs:dynamic:Resource`. */
const DYNAMIC_TYPE_PREFIX = "pulumi-nodejs:dynamic";

/** Resource that the program registered, with the state that the mocks returned for it. */
export interface RegisteredResource {
  /** Type token, such as `command:local:Command`. */
  readonly type: string;
  /** Logical name. */
  readonly name: string;
  /** URN built from stack, project, parent, type and name, as the engine builds it. */
  readonly urn: string;
  /** Id, or `undefined` for a component resource and for a resource that a preview would create. */
  readonly id: string | undefined;
  /**
   * Output properties as plain values, secrets included. For a dynamic resource they include the serialized
   * provider as `__provider`. In a preview, outputs that are not known yet are missing.
   */
  readonly state: PropertyMap;
  /** Names of the outputs returned to the program as secrets, as the engine does for `additionalSecretOutputs`. */
  readonly secretOutputs: readonly string[];
  /** Resource options of the registration. */
  readonly options: RegistrationOptions;
}

/** The registration methods of Pulumi's mock resource monitor that {@link HarnessMocks.attach} wraps. */
export interface MockResourceMonitor {
  registerResource(request: unknown, callback: (error: unknown, response: unknown) => void): Promise<void>;
  readResource(request: unknown, callback: (error: unknown, response: unknown) => void): Promise<void>;
}

/** Options of {@link HarnessMocks}. */
export interface HarnessMocksOptions {
  /** Project name, used in URNs and passed to the dynamic-provider host. */
  readonly projectName: string;
  /** Stack name, used in URNs. */
  readonly stackName: string;
  /** Stack configuration with namespaced keys, sent to the dynamic-provider host in `Configure`. */
  readonly config: Readonly<Record<string, string>>;
  /** Working directory of the dynamic-provider host, where it resolves `require` calls of serialized providers. */
  readonly hostCwd: string;
  /** Environment of the dynamic-provider host and of `local.Command` scripts. Defaults to this process's environment. */
  readonly env?: NodeJS.ProcessEnv;
  /** Whether the program runs as `pulumi preview`; `false` unless set. */
  readonly preview?: boolean;
}

/**
 * Pulumi mocks that hand dynamic resources to one real dynamic-provider host and run `local.Command` scripts.
 *
 * - `pulumi-nodejs:dynamic*`: the first such resource starts the host in `hostCwd` and sends `Configure` with
 *   the stack config. A new resource then goes through `Check` (olds `{}`) and `Create` with the checked inputs.
 *   A resource with an id, read by `get` or imported, goes through `Read` instead.
 * - `command:local:Command`: runs the `create` script, see {@link runLocalCommand}.
 * - Other custom resources get the id `<name>-id`, or the id they were read with, and their inputs as state.
 *   Component resources get no id.
 * - Every function call (invoke) is rejected.
 *
 * In a preview (`preview: true`), as the engine does for a provider that does not support previews, a new
 * resource gets no id and its inputs as its only outputs, so every other output is unknown to the program.
 * A dynamic resource still goes through `Check`, with unknown inputs as the engine's placeholder, but never
 * through `Create`. While any checked input is unknown, it gets no outputs at all. No command runs.
 *
 * Inputs reach the host as the engine sends them to a provider that accepts no secrets: secrets as plain
 * values. Outputs named in `additionalSecretOutputs` return to the program as secrets. Call {@link attach}
 * after `pulumi.runtime.setMocks` so that the mocks see those resource options, and call {@link settle}
 * and then {@link stopHost} when the program is done.
 */
export class HarnessMocks implements pulumi.runtime.Mocks {
  /** Resources registered so far, in the order their registration finished. */
  readonly resources: RegisteredResource[] = [];
  /** Errors of failed registrations, in the order they failed. Each message names the resource. */
  readonly errors: Error[] = [];

  private readonly pending = new Set<Promise<unknown>>();
  /** Options of the registration whose `newResource` call comes next, set by the wrapper from {@link attach}. */
  private nextOptions: RegistrationOptions | undefined;
  private hostStart: Promise<DynamicProviderHost> | undefined;
  private host: DynamicProviderHost | undefined;

  constructor(private readonly options: HarnessMocksOptions) {}

  /**
   * Wraps the registration methods of Pulumi's mock monitor to read the resource options of each request,
   * which `MockResourceArgs` leaves out. The mock monitor calls {@link newResource} synchronously from those
   * methods, so the options are taken by the very next `newResource` call.
   */
  attach(monitor: MockResourceMonitor): void {
    for (const method of ["registerResource", "readResource"] as const) {
      const original = monitor[method].bind(monitor);
      monitor[method] = (request, callback) => {
        this.nextOptions = readRegistrationOptions(request as Parameters<typeof readRegistrationOptions>[0]);
        return original(request, callback);
      };
    }
  }

  /** Registers one resource. The Pulumi runtime calls it for every resource that the program creates. */
  newResource(args: pulumi.runtime.MockResourceArgs): Promise<pulumi.runtime.MockResourceResult> {
    const options = this.nextOptions ?? NO_OPTIONS;
    this.nextOptions = undefined;
    const registration = this.register(args, options);
    this.pending.add(registration);
    registration
      .catch((error: unknown) => {
        const message = error instanceof Error ? error.message : String(error);
        this.errors.push(new Error(`failed to register ${args.type} resource ${args.name}: ${message}`, { cause: error }));
      })
      .finally(() => this.pending.delete(registration));
    return registration;
  }

  /** Rejects every function call, because the harness mocks no provider functions. */
  call(args: pulumi.runtime.MockCallArgs): Record<string, unknown> {
    const message = `no mock for function ${args.token}`;
    // The invoke code of `@pulumi/pulumi` 3.276 rebuilds the error from the gRPC `details` field alone.
    throw Object.assign(new Error(message), { details: message });
  }

  /** Resolves once every registration that has started so far has finished. */
  async settle(): Promise<void> {
    while (this.pending.size > 0) {
      await Promise.allSettled([...this.pending]);
    }
  }

  /** Returns the dynamic-provider host's stderr so far, or `""` when no host was started. */
  hostStderr(): string {
    return this.host?.stderr() ?? "";
  }

  /** Stops the dynamic-provider host, if one was started. */
  async stopHost(): Promise<void> {
    if (this.hostStart === undefined) {
      return;
    }
    const host = await this.hostStart.catch(() => undefined);
    await host?.stop();
  }

  private async register(
    args: pulumi.runtime.MockResourceArgs,
    options: RegistrationOptions,
  ): Promise<pulumi.runtime.MockResourceResult> {
    const urn = makeResourceUrn(this.options.stackName, this.options.projectName, args.type, args.name, options.parent);
    const { inputs, secretInputs } = toEngineInputs((args.inputs ?? {}) as PropertyMap);
    const preview = this.options.preview === true;

    let result: { id: string | undefined; state: PropertyMap };
    if (args.type.startsWith(DYNAMIC_TYPE_PREFIX)) {
      result = await this.registerDynamic(args, urn, inputs);
    } else if (args.type === LOCAL_COMMAND_TYPE && !args.id && !preview) {
      result = { id: `${args.name}-id`, state: await runLocalCommand(args.name, inputs, this.options.env) };
    } else if (preview && !args.id) {
      result = { id: undefined, state: withoutUnknowns(inputs) };
    } else {
      const id = args.custom === false ? undefined : args.id || `${args.name}-id`;
      result = { id, state: { ...inputs } };
    }

    // The engine keeps inputs that were secrets secret in the outputs, and adds additionalSecretOutputs.
    const secretOutputs = [...new Set([...secretInputs, ...options.additionalSecretOutputs])].filter((name) => name in result.state);
    this.resources.push({ type: args.type, name: args.name, urn, ...result, secretOutputs, options });
    return { id: result.id, state: markSecrets(result.state, secretOutputs) };
  }

  private async registerDynamic(
    args: pulumi.runtime.MockResourceArgs,
    urn: string,
    inputs: PropertyMap,
  ): Promise<{ id: string | undefined; state: PropertyMap }> {
    const { client } = await this.getHost();

    if (args.id) {
      const read = await client.read(args.id, urn, {}, inputs);
      if (read.id === "") {
        throw new Error(`resource id "${args.id}" was not found (Read returned an empty id)`);
      }
      return { id: read.id, state: read.properties };
    }

    const checked = await client.check(urn, {}, inputs);
    if (checked.failures.length > 0) {
      const reasons = checked.failures.map((failure) => `${failure.property}: ${failure.reason}`).join("; ");
      throw new Error(`Check rejected the inputs: ${reasons}`);
    }
    if (this.options.preview === true) {
      // The engine does not call Create in a preview; the outputs are the checked inputs, unless some are unknown.
      return { id: undefined, state: containsUnknown(checked.inputs) ? {} : checked.inputs };
    }
    const created = await client.create(urn, checked.inputs);
    return { id: created.id, state: created.properties };
  }

  private getHost(): Promise<DynamicProviderHost> {
    this.hostStart ??= (async () => {
      const host = await startDynamicProviderHost({
        cwd: this.options.hostCwd,
        projectName: this.options.projectName,
        env: this.options.env,
      });
      this.host = host;
      await host.client.configure(this.options.config);
      return host;
    })();
    return this.hostStart;
  }
}

function withoutUnknowns(properties: PropertyMap): PropertyMap {
  return Object.fromEntries(Object.entries(properties).filter(([, value]) => !containsUnknown(value)));
}

function markSecrets(state: PropertyMap, names: readonly string[]): PropertyMap {
  const marked: PropertyMap = { ...state };
  for (const name of names) {
    marked[name] = pulumi.secret(state[name]);
  }
  return marked;
}
