import type * as pulumi from "@pulumi/pulumi";

/**
 * Provider object that Pulumi serializes into state as `__provider`. Each method loads the installed
 * `pulumi-ecs-metadata/provider-host` module from the Pulumi project directory (the host's working
 * directory) at call time and forwards to it. The text therefore holds no package code and no
 * credentials, stays small, and runs the installed version on refresh and delete of old state.
 *
 * The serialized text of this object is stored in users' state files: keep every method's body a
 * plain forward, and keep the module name and the forwarded method signatures working in later releases.
 */
export const serializedProvider: pulumi.dynamic.ResourceProvider = {
  configure(request) {
    return loadHostProvider().configure(request);
  },
  check(olds, news) {
    return loadHostProvider().check(olds, news);
  },
  diff(id, olds, news) {
    return loadHostProvider().diff(id, olds, news);
  },
  create(inputs) {
    return loadHostProvider().create(inputs);
  },
  read(id, props) {
    return loadHostProvider().read(id, props);
  },
  update(id, olds, news) {
    return loadHostProvider().update(id, olds, news);
  },
  delete(id, props) {
    return loadHostProvider().delete(id, props);
  },
};

/**
 * Loads the host-side provider as the Pulumi project would `require` it, which also finds the package
 * from its own source tree through the `exports` field of its package.json.
 */
function loadHostProvider(): Required<pulumi.dynamic.ResourceProvider> {
  const moduleName = "pulumi-ecs-metadata/provider-host";
  const projectDirectory = process.cwd();
  const projectRequire = require("node:module").createRequire(require("node:path").join(projectDirectory, "index.js"));
  try {
    return projectRequire(moduleName).hostProvider;
  } catch (error) {
    throw new Error(
      `The Pulumi dynamic-provider host could not load ${moduleName} from ${projectDirectory}: ${(error as Error).message}. ` +
        "Install pulumi-ecs-metadata in this Pulumi project (npm install pulumi-ecs-metadata).",
    );
  }
}
