import type { JsonValue } from "../events/index.js";

/** Where a room's history stands: its latest stored offset (0 for none yet) and its epoch. */
export interface RoomPosition {
  offset: number;
  /** Changes whenever the room's history was lost (Redis emptied, the process restarted); "" for none yet. */
  epoch: string;
}

/** A message as history keeps it: everything a delivery needs except the room it is kept under. */
export interface HistoryEntry {
  offset: number;
  id: string;
  event: string;
  data: JsonValue;
  ts: number;
  /** Socket ids that must not receive it (the publish's `except`). */
  except: string[];
}

export interface AppendRequest {
  room: string;
  entry: Omit<HistoryEntry, "offset">;
  /** Scoped to the publishing key already: the same message retried is stored once. */
  idempotencyKey?: string | undefined;
}

export interface AppendResult extends RoomPosition {
  /** True when an earlier append with the same idempotency key is answered again and nothing was stored. */
  duplicate: boolean;
}

/** The room's entries after some offset, oldest first, and the position they were read at. */
export interface HistorySlice {
  position: RoomPosition;
  entries: HistoryEntry[];
}

/**
 * Per-room history: in Redis for a fleet, in memory for the single instance, one behaviour
 * (room-history.redis.test.ts runs one suite over both). An append stores the message, gives
 * it the room's next offset and hands it to the gateways, in one step.
 */
export interface RoomHistory {
  append(request: AppendRequest): Promise<AppendResult>;
  position(room: string): Promise<RoomPosition>;
  /** At most `limit` entries with offsets above `offset`. */
  after(room: string, offset: number, limit: number): Promise<HistorySlice>;
}

export interface HistorySettings {
  /** Messages kept per room (HISTORY_SIZE, at least 1 here: 0 means no history at all). */
  size: number;
  /** A room's messages go this long after its latest one (HISTORY_TTL_SECONDS). */
  ttlSeconds: number;
  /** How long a retried idempotency key is remembered (IDEMPOTENCY_TTL_SECONDS). */
  idempotencyTtlSeconds: number;
}

/**
 * A room's position outlives its messages, so a client back after a quiet spell longer than
 * the history's TTL is told it missed nothing when nothing was published (same epoch, same
 * offset) instead of being sent to reload its state.
 */
export const positionTtlSeconds = (settings: HistorySettings) => Math.max(settings.ttlSeconds, 24 * 60 * 60);

export const NO_POSITION: RoomPosition = Object.freeze({ offset: 0, epoch: "" });
