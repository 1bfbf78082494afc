// Packs the package, installs the tarball into a fresh project, and measures the provider text
// that a ServerMetadataKey serializes there.
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

const PRINT_PROVIDER = `
const pulumi = require("@pulumi/pulumi");
pulumi.runtime.setMocks({ newResource: (args) => { process.stdout.write(args.inputs.__provider); return { id: "", state: {} }; }, call: () => ({}) }, "size", "bench", false);
const { ServerMetadataKey } = require("pulumi-ecs-metadata");
new ServerMetadataKey("probe", { serverId: "5b5c1e1e-1111-2222-3333-444455556666", key: "role" });
`;

/**
 * Returns the size of the serialized provider in a project that installed the packed package, and
 * whether it only requires the package. `npm run bench` has built lib/ already, so packing skips the
 * prepare script.
 */
export function measureSerializedProvider(root: string): { bytes: number; requiresPackage: boolean } {
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), "ecs-metadata-pack-"));
  try {
    const tarball = execFileSync("npm", ["pack", "--silent", "--ignore-scripts", "--pack-destination", folder], { cwd: root, encoding: "utf8" }).trim().split("\n").pop()!;
    const project = path.join(folder, "project");
    fs.mkdirSync(project);
    fs.writeFileSync(path.join(project, "package.json"), JSON.stringify({ name: "bench-project", private: true }));
    const pulumiVersion = (JSON.parse(fs.readFileSync(path.join(root, "node_modules/@pulumi/pulumi/package.json"), "utf8")) as { version: string }).version;
    execFileSync(
      "npm",
      ["install", "--prefer-offline", "--no-audit", "--no-fund", "--ignore-scripts", path.join(folder, tarball), `@pulumi/pulumi@${pulumiVersion}`],
      { cwd: project, stdio: "ignore" },
    );

    const text = execFileSync(process.execPath, ["-e", PRINT_PROVIDER], { cwd: project, encoding: "utf8" });
    const requiresPackage = text.includes('"pulumi-ecs-metadata/provider-host"') && !text.includes("signRequest");
    return { bytes: Buffer.byteLength(text), requiresPackage };
  } finally {
    fs.rmSync(folder, { recursive: true, force: true });
  }
}
