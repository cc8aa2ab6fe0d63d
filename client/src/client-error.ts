import type { AckErrorCode, RefusalCode } from "./wire.js";

export type ClientErrorCode =
  | RefusalCode
  | AckErrorCode
  /** The connection could not be opened (network, HTTP error); socket.io-client retries it. */
  | "connect_failed"
  /** The gateway refused the handshake without saying why in a way this package knows. */
  | "refused"
  /** The gateway closed the connection on purpose (`io server disconnect`). */
  | "server_disconnect"
  /** The token function threw or rejected. */
  | "token_failed"
  /** A subscribe got no answer in time. */
  | "timeout"
  /** The subscription or the client was closed before the gateway answered. */
  | "closed";

export interface ClientErrorDetails {
  /** True when the package tries again by itself; false when it has given up. */
  retryable: boolean;
  /** The room, for subscribe failures. */
  room?: string | undefined;
  /** The gateway's hint: not before this many milliseconds. */
  retryAfterMs?: number | undefined;
  cause?: unknown;
}

/** Every failure the package reports, coded, and saying whether it is being retried. */
export class ClientError extends Error {
  override name = "ClientError";
  readonly code: ClientErrorCode;
  readonly retryable: boolean;
  readonly room: string | undefined;
  readonly retryAfterMs: number | undefined;

  constructor(code: ClientErrorCode, message: string, details: ClientErrorDetails) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.code = code;
    this.retryable = details.retryable;
    this.room = details.room;
    this.retryAfterMs = details.retryAfterMs;
  }
}
