import type { RoomPosition } from "./room-history.js";

/**
 * What history holds for one room right now: its position (offset 0 and epoch "" for a room
 * with none yet, as subscribe acks say it) and how many of its messages are still kept.
 */
export interface RoomHistoryState extends RoomPosition {
  /** Messages held: at most HISTORY_SIZE, 0 once they expired even though the position remains. */
  size: number;
}

export type ReadRoomHistoryState = (room: string) => Promise<RoomHistoryState>;

export const NO_HISTORY_STATE: RoomHistoryState = Object.freeze({ offset: 0, epoch: "", size: 0 });
