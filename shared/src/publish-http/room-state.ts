import type { RoomHistoryState } from "../history/index.js";
import type { RoomCounts } from "../room-stats/index.js";

/** `GET /v1/rooms/:room` without the room: its sockets across the gateways and its history. */
export interface RoomState extends RoomCounts {
  /** `null` with HISTORY_SIZE=0 (no history kept at all). */
  history: RoomHistoryState | null;
}

/** The port each service gives the publish app: over its own sockets alone, or over a fleet's through Redis. */
export type ReadRoomState = (room: string) => Promise<RoomState>;

/** Redis cannot answer now: the route answers 503 with `Retry-After`. */
export class RoomStateUnavailableError extends Error {
  readonly retryAfterSeconds = 1;

  constructor(message: string, options: { cause?: unknown } = {}) {
    super(message, options);
    this.name = "RoomStateUnavailableError";
  }
}
