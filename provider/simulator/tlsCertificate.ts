import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

import type { SimulatorTls } from "./iamServer";

/** Names a generated certificate is valid for. */
export interface CertificateNames {
  /** DNS names, such as `localhost` or `iam.cn-north-4.simulated.test`. */
  readonly dnsNames?: readonly string[];
  /** IP addresses, such as `127.0.0.1`. */
  readonly ipAddresses?: readonly string[];
}

/**
 * Generates a self-signed certificate (P-256 key, valid for 2 days) for a local simulator. A client
 * trusts it by passing the certificate itself as its CA bundle.
 *
 * NOTE: this runs the `openssl` binary (1.1.1 or newer, for `-addext`), which must be on `PATH`.
 */
export function generateSelfSignedCertificate(names: CertificateNames = { dnsNames: ["localhost"], ipAddresses: ["127.0.0.1"] }): SimulatorTls {
  const altNames = [...(names.dnsNames ?? []).map((name) => `DNS:${name}`), ...(names.ipAddresses ?? []).map((address) => `IP:${address}`)];
  if (altNames.length === 0) {
    throw new RangeError("A certificate needs at least one DNS name or IP address.");
  }

  const directory = mkdtempSync(path.join(tmpdir(), "ecs-metadata-tls-"));
  try {
    const keyPath = path.join(directory, "key.pem");
    const certPath = path.join(directory, "cert.pem");
    execFileSync(
      "openssl",
      [
        "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
        "-keyout", keyPath, "-out", certPath, "-days", "2",
        "-subj", "/CN=pulumi-ecs-metadata simulator",
        "-addext", `subjectAltName=${altNames.join(",")}`,
        "-addext", "basicConstraints=critical,CA:TRUE",
      ],
      { stdio: ["ignore", "ignore", "pipe"] },
    );
    return { cert: readFileSync(certPath, "utf8"), key: readFileSync(keyPath, "utf8") };
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
}
