// Prints the `__provider` text that a ServerMetadataKey stores in state. Run it in a plain Node
// process from the repository root: the closure serializer cannot see modules that jest loaded.
const pulumi = require("@pulumi/pulumi");

let printed = false;
pulumi.runtime.setMocks(
  {
    newResource: (args) => {
      if (!printed) {
        process.stdout.write(args.inputs.__provider);
        printed = true;
      }
      return { id: "", state: {} };
    },
    call: () => ({}),
  },
  "serialization-test",
  "test",
  false,
);

const { ServerMetadataKey } = require("pulumi-ecs-metadata");
new ServerMetadataKey("probe", { serverId: "5b5c1e1e-1111-2222-3333-444455556666", key: "role" });
