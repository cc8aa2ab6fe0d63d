import { AppError } from "../http/index.js";

/** `data` as serialized JSON must fit in `maxBytes` (MAX_PAYLOAD_BYTES); `path` names it in the refusal. */
export function assertPayloadFits(data: unknown, maxBytes: number, path: () => string = () => "data"): void {
  const size = Buffer.byteLength(JSON.stringify(data));
  if (size > maxBytes) {
    throw new AppError("payload_too_large", `${path()} is ${size} bytes serialized; the limit is ${maxBytes}`);
  }
}
