/** What every delivered event carries as its second argument. */
export interface DeliveryMeta {
  /** The publication's id, the same for every room of one publish. */
  id: string;
  /** The room this copy was delivered through. */
  room: string;
  /** Milliseconds since the epoch when the system accepted the publication. */
  ts: number;
}

export type AckErrorCode =
  | "invalid_room"
  | "invalid_request"
  | "forbidden"
  | "too_many_rooms"
  | "unauthorized"
  | "rate_limited"
  | "internal";

export type SubscriptionAck =
  | { ok: true; rooms: string[] }
  | { ok: false; error: { code: AckErrorCode; message: string } };

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** The answer to `auth:refresh`: the connection now lives until `expiresAt` (ms) plus the grace period. */
export type RefreshAck =
  | { ok: true; expiresAt: number }
  | { ok: false; error: { code: AckErrorCode; message: string } };

export interface ClientToServerEvents {
  subscribe: (rooms: string | string[], ack?: (result: SubscriptionAck) => void) => void;
  unsubscribe: (rooms: string | string[], ack?: (result: SubscriptionAck) => void) => void;
  "auth:refresh": (token: string, ack?: (result: RefreshAck) => void) => void;
}

/** What a refused handshake carries in `connect_error`'s `err.data`. */
export interface HandshakeRefusal {
  code: "unauthorized" | "rate_limited" | "server_full" | "server_draining";
  retryable: boolean;
  retryAfterMs?: number;
}
