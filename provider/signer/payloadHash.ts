import { createHash } from "node:crypto";

/** Returns the lower-case hex SHA-256 of the exact body bytes; an absent body hashes the empty string. */
export function getPayloadHash(body: string | Uint8Array | undefined): string {
  return createHash("sha256")
    .update(body ?? "")
    .digest("hex");
}
