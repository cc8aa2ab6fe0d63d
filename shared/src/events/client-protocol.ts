/** What every delivered event carries as its second argument. */
export interface DeliveryMeta {
  /** The publication's id, the same for every room of one publish. */
  id: string;
  /** The room this copy was delivered through. */
  room: string;
  /** Milliseconds since the epoch when the system accepted the publication. */
  ts: number;
  /** The message's place in the room's history: one more than the room's previous message (with history on). */
  offset?: number;
  /** Changes when the room's history was lost; offsets compare only within one epoch (with history on). */
  epoch?: string;
}

/** Where a room's history stands: what `since` hands back on a later subscribe. */
export interface RoomPositionWire {
  offset: number;
  epoch: string;
}

export type AckErrorCode =
  | "invalid_room"
  | "invalid_request"
  | "forbidden"
  | "too_many_rooms"
  | "unauthorized"
  | "rate_limited"
  | "unavailable"
  | "internal";

export type SubscriptionAck =
  | {
      ok: true;
      rooms: string[];
      /** With history on: where each room's deliveries to this socket start (hand it back as `since`). */
      positions?: Record<string, RoomPositionWire>;
      /** For each room subscribed with a `since` position: whether everything after it was replayed. */
      recovered?: Record<string, boolean>;
    }
  | { ok: false; error: { code: AckErrorCode; message: string } };

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** The answer to `auth:refresh`: the connection now lives until `expiresAt` (ms) plus the grace period. */
export type RefreshAck =
  | { ok: true; expiresAt: number }
  | { ok: false; error: { code: AckErrorCode; message: string } };

/** One room, a list, or rooms with the positions to resume from. */
export type SubscribeArgument = string | string[] | { rooms: string | string[]; since?: Record<string, RoomPositionWire> };

export interface ClientToServerEvents {
  subscribe: (request: SubscribeArgument, ack?: (result: SubscriptionAck) => void) => void;
  unsubscribe: (rooms: string | string[], ack?: (result: SubscriptionAck) => void) => void;
  "auth:refresh": (token: string, ack?: (result: RefreshAck) => void) => void;
}

/**
 * What a refusal says. `unauthorized` and `origin_not_allowed` are final and come in
 * `connect_error`'s `err.data`; the others pass, and come as the HTTP answer to the handshake
 * (429 or 503, body `{ error: HandshakeRefusal & { message } }`), which a stock socket.io-client
 * retries by itself.
 */
export interface HandshakeRefusal {
  code: "unauthorized" | "origin_not_allowed" | "rate_limited" | "server_full" | "server_draining";
  retryable: boolean;
  retryAfterMs?: number;
}
