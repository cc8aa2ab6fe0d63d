import { createHmac } from "node:crypto";

export const SIGNATURE_HEADER = "x-signature";
export const SIGNATURE_TIMESTAMP_HEADER = "x-signature-timestamp";
export const SIGNATURE_VERSION = "v1";

/**
 * The HMAC-SHA256 of `<timestamp>.<body>` under the key's signing secret, as raw bytes.
 * `timestamp` is the `X-Signature-Timestamp` header exactly as sent (Unix seconds); `body` the
 * exact bytes of the request body.
 */
export function computeSignature(secret: string, timestamp: string, body: string | Uint8Array): Buffer {
  return createHmac("sha256", secret).update(`${timestamp}.`).update(body).digest();
}

/** The `X-Signature` header value a caller sends: `v1=<64 lowercase hex digits>`. */
export function signRequest(secret: string, timestamp: string, body: string | Uint8Array): string {
  return `${SIGNATURE_VERSION}=${computeSignature(secret, timestamp, body).toString("hex")}`;
}
