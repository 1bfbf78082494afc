import type { CallOptions, Metadata, ServiceError } from "@grpc/grpc-js";
import type { Empty } from "google-protobuf/google/protobuf/empty_pb";
import type { Struct } from "google-protobuf/google/protobuf/struct_pb";
import type { PluginInfo } from "@pulumi/pulumi/proto/plugin_pb";
import type {
  CheckResponse,
  ConfigureResponse,
  CreateResponse,
  DiffResponse,
  ReadResponse,
  UpdateResponse,
} from "@pulumi/pulumi/proto/provider_pb";

import { MAX_GRPC_MESSAGE_BYTES, emptyProto, grpc, providerGrpc, providerProto, structProto } from "./pulumiModules";

/**
 * Value that the engine sends in place of an input that is not known yet, during `pulumi preview`
 * (`UnknownStringValue` in the engine's `plugin` package).
 */
export const UNKNOWN_VALUE = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/** Property values as plain JavaScript objects, the shape of a `google.protobuf.Struct`. */
export type PropertyMap = Record<string, unknown>;

/** Input that `check` rejected. */
export interface CheckFailure {
  /** Name of the rejected input property. */
  readonly property: string;
  /** Reason the provider gave. */
  readonly reason: string;
}

/** Result of {@link DynamicProviderClient.check}. */
export interface CheckResult {
  /** Checked inputs, including `__provider`, to pass to `create`, `diff` or `update`. */
  readonly inputs: PropertyMap;
  /** Rejected inputs, empty when the inputs are valid. */
  readonly failures: readonly CheckFailure[];
}

/** Result of {@link DynamicProviderClient.diff}. */
export interface DiffResult {
  /** Whether the provider found changes, or `"unknown"` when the provider has no `diff` method. */
  readonly changes: "none" | "some" | "unknown";
  /** Properties whose change forces a replacement. */
  readonly replaces: readonly string[];
  /** Whether the old resource must be deleted before its replacement is created. */
  readonly deleteBeforeReplace: boolean;
}

/** Result of {@link DynamicProviderClient.create}. */
export interface CreateResult {
  /** Id that the provider assigned. */
  readonly id: string;
  /** Output properties, including `__provider`. */
  readonly properties: PropertyMap;
}

/** Result of {@link DynamicProviderClient.read}. */
export interface ReadResult {
  /** Id of the resource, or `""` when the provider reports that the resource no longer exists. */
  readonly id: string;
  /** Output properties, including `__provider`. */
  readonly properties: PropertyMap;
  /** Inputs that the provider returned (since `@pulumi/pulumi` 3.216), or `undefined` when it returned none. */
  readonly inputs: PropertyMap | undefined;
}

/** Result of {@link DynamicProviderClient.update}. */
export interface UpdateResult {
  /** New output properties, including `__provider`. */
  readonly properties: PropertyMap;
}

/** Result of {@link DynamicProviderClient.configure}. */
export interface ConfigureResult {
  /** Whether the host accepts secret values. The dynamic-provider host of `@pulumi/pulumi` 3.276 returns `false`. */
  readonly acceptSecrets: boolean;
}

/** Options of {@link DynamicProviderClient}. */
export interface DynamicProviderClientOptions {
  /** Time limit of each call in milliseconds. Calls have no time limit unless set. */
  readonly callTimeoutMs?: number;
}

/** Error that a dynamic-provider host returned for a gRPC call. */
export class DynamicProviderError extends Error {
  /** gRPC status code. The host reports errors thrown by the provider as `2` (`UNKNOWN`). */
  readonly code: number;
  /** Name of the gRPC method that failed, such as `Create`. */
  readonly method: string;
  /** gRPC trailers, which carry `grpc-status-details-bin` when a resource was created but failed to initialize. */
  readonly metadata: Metadata | undefined;

  constructor(method: string, cause: ServiceError) {
    super(cause.details || cause.message, { cause });
    this.name = "DynamicProviderError";
    this.code = cause.code;
    this.method = method;
    this.metadata = cause.metadata;
  }
}

/**
 * Builds the URN that the engine gives a top-level resource. A child resource's URN also names its parent's type,
 * which this function does not model.
 */
export function makeUrn(stack: string, project: string, type: string, name: string): string {
  return `urn:pulumi:${stack}::${project}::${type}::${name}`;
}

/**
 * Typed client of the `ResourceProvider` gRPC service of a dynamic-provider host. It sends and returns plain
 * JavaScript objects. A failed call rejects with a {@link DynamicProviderError}.
 */
export class DynamicProviderClient {
  private readonly client: InstanceType<typeof providerGrpc.ResourceProviderClient>;
  private readonly callTimeoutMs: number | undefined;

  /** Connects to the host listening on `address`, such as `127.0.0.1:40123`, without TLS. */
  constructor(address: string, options: DynamicProviderClientOptions = {}) {
    this.client = new providerGrpc.ResourceProviderClient(address, grpc.credentials.createInsecure(), {
      "grpc.max_receive_message_length": MAX_GRPC_MESSAGE_BYTES,
    });
    this.callTimeoutMs = options.callTimeoutMs;
  }

  /**
   * Sends the stack configuration, keyed by namespaced names such as `huaweicloud:region`. The values go into the
   * `args` struct, which the dynamic-provider host reads, and also into the request's string map `variables`.
   * The host passes them to the provider's `configure` method when it first loads a serialized provider, so call
   * this before any other method.
   */
  async configure(config: PropertyMap): Promise<ConfigureResult> {
    const request = new providerProto.ConfigureRequest();
    request.setArgs(toStruct(config));
    request.setAcceptsecrets(true);
    request.setAcceptresources(true);
    const variables = request.getVariablesMap();
    for (const [key, value] of Object.entries(config)) {
      if (value !== undefined) {
        variables.set(key, typeof value === "string" ? value : JSON.stringify(value));
      }
    }

    const response = await this.unary<ConfigureResponse>("Configure", (metadata, options, callback) =>
      this.client.configure(request, metadata, options, callback),
    );
    return { acceptSecrets: response.getAcceptsecrets() };
  }

  /** Validates new inputs against old ones (`{}` for a new resource) and returns the checked inputs. */
  async check(urn: string, olds: PropertyMap, news: PropertyMap): Promise<CheckResult> {
    const request = new providerProto.CheckRequest();
    request.setUrn(urn);
    setNameAndType(request, urn);
    request.setOlds(toStruct(olds));
    request.setNews(toStruct(news));

    const response = await this.unary<CheckResponse>("Check", (metadata, options, callback) =>
      this.client.check(request, metadata, options, callback),
    );
    const failures = response.getFailuresList().map((failure) => ({
      property: failure.getProperty(),
      reason: failure.getReason(),
    }));
    return { inputs: fromStruct(response.getInputs()), failures };
  }

  /** Compares old outputs with new inputs. */
  async diff(id: string, urn: string, olds: PropertyMap, news: PropertyMap): Promise<DiffResult> {
    const request = new providerProto.DiffRequest();
    request.setId(id);
    request.setUrn(urn);
    setNameAndType(request, urn);
    request.setOlds(toStruct(olds));
    request.setNews(toStruct(news));

    const response = await this.unary<DiffResponse>("Diff", (metadata, options, callback) =>
      this.client.diff(request, metadata, options, callback),
    );
    return {
      changes: toDiffChanges(response.getChanges()),
      replaces: response.getReplacesList(),
      deleteBeforeReplace: response.getDeletebeforereplace(),
    };
  }

  /** Creates a resource from checked inputs, which must contain `__provider`. */
  async create(urn: string, properties: PropertyMap): Promise<CreateResult> {
    const request = new providerProto.CreateRequest();
    request.setUrn(urn);
    setNameAndType(request, urn);
    request.setProperties(toStruct(properties));

    const response = await this.unary<CreateResponse>("Create", (metadata, options, callback) =>
      this.client.create(request, metadata, options, callback),
    );
    return { id: response.getId(), properties: fromStruct(response.getProperties()) };
  }

  /**
   * Reads the live state of a resource, as refresh does with the old outputs in `properties`. The host looks for
   * `__provider` in `properties`, or in `inputs` when `properties` is empty, as in a read by id.
   */
  async read(id: string, urn: string, properties: PropertyMap, inputs?: PropertyMap): Promise<ReadResult> {
    const request = new providerProto.ReadRequest();
    request.setId(id);
    request.setUrn(urn);
    setNameAndType(request, urn);
    request.setProperties(toStruct(properties));
    if (inputs !== undefined) {
      request.setInputs(toStruct(inputs));
    }

    const response = await this.unary<ReadResponse>("Read", (metadata, options, callback) =>
      this.client.read(request, metadata, options, callback),
    );
    const returnedInputs = response.getInputs();
    return {
      id: response.getId(),
      properties: fromStruct(response.getProperties()),
      inputs: returnedInputs === undefined ? undefined : fromStruct(returnedInputs),
    };
  }

  /** Updates a resource from old outputs to new checked inputs. */
  async update(id: string, urn: string, olds: PropertyMap, news: PropertyMap): Promise<UpdateResult> {
    const request = new providerProto.UpdateRequest();
    request.setId(id);
    request.setUrn(urn);
    setNameAndType(request, urn);
    request.setOlds(toStruct(olds));
    request.setNews(toStruct(news));

    const response = await this.unary<UpdateResponse>("Update", (metadata, options, callback) =>
      this.client.update(request, metadata, options, callback),
    );
    return { properties: fromStruct(response.getProperties()) };
  }

  /** Deletes a resource given its outputs, which must contain `__provider`. */
  async delete(id: string, urn: string, properties: PropertyMap): Promise<void> {
    const request = new providerProto.DeleteRequest();
    request.setId(id);
    request.setUrn(urn);
    setNameAndType(request, urn);
    request.setProperties(toStruct(properties));

    await this.unary<Empty>("Delete", (metadata, options, callback) =>
      this.client.delete(request, metadata, options, callback),
    );
  }

  /** Returns the `@pulumi/pulumi` version that the host reports. */
  async getPluginVersion(): Promise<string> {
    const response = await this.unary<PluginInfo>("GetPluginInfo", (metadata, options, callback) =>
      this.client.getPluginInfo(new emptyProto.Empty(), metadata, options, callback),
    );
    return response.getVersion();
  }

  /** Closes the gRPC channel. The host keeps running. */
  close(): void {
    this.client.close();
  }

  /**
   * Runs one unary call. `start` passes its arguments on to a generated client method: empty metadata, call
   * options with the deadline, and the callback.
   */
  private unary<Response>(
    method: string,
    start: (
      metadata: Metadata,
      options: Partial<CallOptions>,
      callback: (error: ServiceError | null, response: Response) => void,
    ) => unknown,
  ): Promise<Response> {
    const options = this.callTimeoutMs === undefined ? {} : { deadline: new Date(Date.now() + this.callTimeoutMs) };
    return new Promise((resolve, reject) => {
      start(new grpc.Metadata(), options, (error, response) => {
        if (error) {
          reject(new DynamicProviderError(method, error));
          return;
        }
        resolve(response);
      });
    });
  }
}

/**
 * Converts properties to a `Struct`. Object keys whose value is `undefined` are left out, as the engine never
 * sends them, and `undefined` array elements become `null`, as in JSON.
 */
function toStruct(properties: PropertyMap): Struct {
  return structProto.Struct.fromJavaScript(dropUndefined(properties) as Record<string, never>);
}

function dropUndefined(value: unknown): unknown {
  if (Array.isArray(value)) {
    return value.map((element) => (element === undefined ? null : dropUndefined(element)));
  }
  if (value !== null && typeof value === "object") {
    const result: PropertyMap = {};
    for (const [key, element] of Object.entries(value)) {
      if (element !== undefined) {
        result[key] = dropUndefined(element);
      }
    }
    return result;
  }
  return value;
}

function fromStruct(struct: Struct | undefined): PropertyMap {
  return struct === undefined ? {} : (struct.toJavaScript() as PropertyMap);
}

function toDiffChanges(changes: number): DiffResult["changes"] {
  const { DiffChanges } = providerProto.DiffResponse;
  if (changes === DiffChanges.DIFF_NONE) {
    return "none";
  }
  if (changes === DiffChanges.DIFF_SOME) {
    return "some";
  }
  return "unknown";
}

/** Fills the `name` and `type` request fields from a URN, as the engine does, although the host ignores them. */
function setNameAndType(request: { setName(name: string): unknown; setType(type: string): unknown }, urn: string) {
  const parts = urn.split("::");
  if (parts.length < 4) {
    return;
  }
  const qualifiedType = parts[2];
  request.setType(qualifiedType.slice(qualifiedType.lastIndexOf("$") + 1));
  request.setName(parts.slice(3).join("::"));
}
