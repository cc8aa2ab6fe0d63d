/*
 * What the gateway sends and expects, as this package sees it. Kept here rather than imported
 * from @socket-server/shared/events so that the package's .d.ts files name nothing but
 * socket.io-client, and a browser bundle never pulls in zod. wire.test.ts fails the type
 * check when these drift from the gateway's own types.
 */

/** A delivery's second argument. `offset` and `epoch` are there when the gateway keeps history. */
export interface DeliveryMeta {
  /** The publication's id, the same for every room of one publish. */
  id: string;
  /** The room this copy was delivered through. */
  room: string;
  /** Milliseconds since the epoch when the system accepted the publication. */
  ts: number;
  offset?: number;
  epoch?: string;
}

/** Where a room stands: the offset of the latest message seen and the epoch it counts in. */
export interface RoomPosition {
  offset: number;
  /** Changes when the room's history was lost; "" for a room with no message yet. */
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

export type SubscribeAck =
  | { ok: true; rooms: string[]; positions?: Record<string, RoomPosition>; recovered?: Record<string, boolean> }
  | { ok: false; error: { code: AckErrorCode; message: string; retryAfterMs?: number } };

export interface SubscribeRequest {
  rooms: string[];
  since?: Record<string, RoomPosition>;
}

export type RefusalCode = "unauthorized" | "origin_not_allowed" | "rate_limited" | "server_full" | "server_draining";

/** Why the gateway refused a handshake: `err.data` of a `connect_error`, or the body of the HTTP answer. */
export interface HandshakeRefusal {
  code: RefusalCode;
  retryable: boolean;
  retryAfterMs?: number;
  message?: string;
}

// Room names the gateway accepts (CONTRACT.md, "Clients").
const ROOM_NAME = /^[A-Za-z0-9_\-:.@=]{1,128}$/;

export function isRoomName(value: unknown): value is string {
  return typeof value === "string" && ROOM_NAME.test(value);
}

export function isDeliveryMeta(value: unknown): value is DeliveryMeta {
  if (typeof value !== "object" || value === null) return false;
  const { id, room } = value as Record<string, unknown>;
  return typeof id === "string" && typeof room === "string";
}

export function isHandshakeRefusal(value: unknown): value is HandshakeRefusal {
  if (typeof value !== "object" || value === null) return false;
  const { code, retryable } = value as Record<string, unknown>;
  return typeof code === "string" && typeof retryable === "boolean";
}

/**
 * The refusal inside a transport failure: the gateway answers a handshake it refuses for a
 * reason that passes with 429 or 503 and a JSON body `{ error }`. Long-polling exposes that body
 * (`err.context.responseText`, when CORS lets the page read it); a WebSocket exposes at most the
 * status, in Node (`Unexpected server response: 503`), and nothing in a browser.
 */
export function transportRefusal(error: Error & { description?: unknown; context?: unknown }): HandshakeRefusal | undefined {
  const body = (error.context as { responseText?: unknown } | undefined)?.responseText;
  if (typeof body === "string" && body.startsWith("{")) {
    try {
      const refusal = (JSON.parse(body) as { error?: unknown }).error;
      if (isHandshakeRefusal(refusal)) return refusal;
    } catch {
      // Not our body: fall through to the status.
    }
  }
  const { description } = error;
  const status = typeof description === "number" ? description : Number(/server response: (\d{3})/.exec(String((description as Error | undefined)?.message))?.[1]);
  if (status === 429) return { code: "rate_limited", retryable: true };
  return undefined;
}
