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

export type RefusalCode = "unauthorized" | "rate_limited" | "server_full" | "server_draining";

/** `err.data` of a `connect_error` when the gateway refused the handshake. */
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
