import type { ManagerOptions, Socket, SocketOptions } from "socket.io-client";
import type { ClientError } from "./client-error.js";
import type { UnrecoverableReason } from "./create-room-cursor.js";
import type { DeliveryMeta, RoomPosition } from "./wire.js";

export type TokenSource = string | (() => string | Promise<string>);

export interface RetryOptions {
  /** First delay before the package retries a refused handshake or a failed subscribe (default 500 ms). */
  minDelayMs?: number;
  /** Cap of the doubling (default 10 s); a gateway's `retryAfterMs` may still be longer. */
  maxDelayMs?: number;
}

export interface ClientOptions {
  /** A token, or a function called again for every connection attempt (to fetch a fresh one). */
  token?: TokenSource;
  /** Passed to socket.io-client; `auth` is the package's own. `forceNew` defaults to true. */
  socketOptions?: Partial<ManagerOptions & SocketOptions>;
  /** Every failure, with `retryable` saying whether the package is retrying it by itself. */
  onError?: (error: ClientError) => void;
  retry?: RetryOptions;
  /** How long a subscribe waits for its ack before it is sent again (default 15 s). */
  ackTimeoutMs?: number;
}

export type MessageHandler<T = unknown> = (data: T, meta: DeliveryMeta, event: string) => void;

export interface UnrecoverableInfo {
  room: string;
  reason: UnrecoverableReason;
  /** Where deliveries continue from; undefined when the gateway keeps no history. */
  position: RoomPosition | undefined;
  /** Where the room stood before. */
  previous: RoomPosition | undefined;
}

export interface SubscribeOptions {
  /** The room's state could not be carried over: reload it from your backend. Deliveries go on meanwhile. */
  onUnrecoverable?: (info: UnrecoverableInfo) => void;
  /** Resume from a position stored earlier (a `subscription.position`), replaying what came after it. */
  since?: RoomPosition;
}

export interface Subscription {
  readonly room: string;
  /** The room's latest position seen, from the last delivery or the last ack. */
  readonly position: RoomPosition | undefined;
  /** Settles at the first successful ack; rejects with a ClientError if the gateway refuses the room for good. */
  readonly ready: Promise<void>;
  /** True after `unsubscribe()`, `client.close()`, or a final refusal. */
  readonly closed: boolean;
  unsubscribe(): void;
}

export interface Client {
  subscribe<T = unknown>(room: string, handler: MessageHandler<T>, options?: SubscribeOptions): Subscription;
  /**
   * The underlying socket.io-client socket, for diagnostics and tests (`client.socket.connected`,
   * `client.socket.io.engine.close()` to simulate a dropped connection). Emitting on it or
   * removing its listeners bypasses the package's bookkeeping.
   */
  readonly socket: Socket;
  close(): void;
}
