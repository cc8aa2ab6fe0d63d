import { AppError } from "../http/index.js";

/** `data` as serialized JSON must fit in `maxBytes` (MAX_PAYLOAD_BYTES). */
export function assertPayloadFits(data: unknown, maxBytes: number): void {
  const size = Buffer.byteLength(JSON.stringify(data));
  if (size > maxBytes) {
    throw new AppError("payload_too_large", `data is ${size} bytes serialized; the limit is ${maxBytes}`);
  }
}
