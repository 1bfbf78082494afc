import { createRequire } from "node:module";

/**
 * Loader for the modules that `@pulumi/pulumi` itself resolves. The generated gRPC stubs check messages with
 * `instanceof` against their own copies of `google-protobuf` and `@grpc/grpc-js`, so the harness must build
 * requests and credentials from those same copies, not from whichever copy the caller would resolve.
 * Loading everything through `createRequire` also keeps jest's module registry out of the way.
 */
const requireFromPulumi = createRequire(require.resolve("@pulumi/pulumi/package.json"));

/** The `@grpc/grpc-js` module that `@pulumi/pulumi` uses. */
export const grpc: typeof import("@grpc/grpc-js") = requireFromPulumi("@grpc/grpc-js");

/** The `google.protobuf.Struct` messages of the `google-protobuf` module that `@pulumi/pulumi` uses. */
export const structProto: typeof import("google-protobuf/google/protobuf/struct_pb") = requireFromPulumi(
  "google-protobuf/google/protobuf/struct_pb",
);

/** The `google.protobuf.Empty` message of the `google-protobuf` module that `@pulumi/pulumi` uses. */
export const emptyProto: typeof import("google-protobuf/google/protobuf/empty_pb") = requireFromPulumi(
  "google-protobuf/google/protobuf/empty_pb",
);

/** Messages of Pulumi's `ResourceProvider` gRPC service. */
export const providerProto: typeof import("@pulumi/pulumi/proto/provider_pb") = requireFromPulumi(
  "./proto/provider_pb",
);

/** Service definition and client class of Pulumi's `ResourceProvider` gRPC service. */
export const providerGrpc: typeof import("@pulumi/pulumi/proto/provider_grpc_pb") = requireFromPulumi(
  "./proto/provider_grpc_pb",
);

/**
 * Largest gRPC message the client accepts, in bytes. It matches the 400 MiB limit that `@pulumi/pulumi` 3.276
 * sets on its own servers and clients, because a serialized provider can capture large modules by value.
 */
export const MAX_GRPC_MESSAGE_BYTES = 400 * 1024 * 1024;
