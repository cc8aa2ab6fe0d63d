import type { Server } from "socket.io";
import type { FeedListener, RoomFeed, RoomHistory } from "@socket-server/shared/history";
import { createRoomSequencers } from "./create-room-sequencers.js";
import { createRoomSubscriber, metaOf, type RecoveryFailure, type RoomSubscriber } from "./create-room-subscriber.js";
import { localRoom } from "../local-room.js";

const MAX_MESSAGES_PER_READ = 500;

export interface HistoryObserver {
  recovery(outcome: "recovered" | RecoveryFailure, messages: number): void;
  gapFilled(messages: number): void;
  gapLost(messages: number): void;
}

export interface GatewayHistoryOptions {
  history: Pick<RoomHistory, "position" | "after">;
  /** HISTORY_SIZE: no gap-fill or replay can find more than history keeps. */
  historySize: number;
  /** RECOVERY_MAX_MESSAGES. */
  maxRecoveryMessages: number;
  observer?: HistoryObserver | undefined;
}

export interface GatewayHistoryDeps extends GatewayHistoryOptions {
  /** Where the room's messages are heard: a room is followed before it is opened. */
  feed: Pick<RoomFeed, "follow" | "unfollow">;
}

export interface GatewayHistory {
  subscribeRoom: RoomSubscriber;
  /** Connect it to the topology's feed. */
  listener: FeedListener;
}

/**
 * The gateway's side of history: it follows the rooms its sockets are in, delivers what the
 * feed announces for them in offset order, filling gaps from history, and joins subscribers at
 * a position, replaying what they missed. Deliveries go to this process's sockets only
 * (`io.local`): every gateway hears the feed itself.
 */
export function createGatewayHistory(io: Server, options: GatewayHistoryDeps): GatewayHistory {
  const { history, historySize, maxRecoveryMessages, observer, feed } = options;
  const sequencers = createRoomSequencers({
    history,
    // One read returns at most this many messages, however large the history.
    maxFill: Math.min(historySize, MAX_MESSAGES_PER_READ),
    deliver: (room, epoch, entry) => {
      localRoom(io, room, entry.except).emit(entry.event, entry.data, metaOf(room, epoch, entry));
    },
    onGapFilled: (messages) => observer?.gapFilled(messages),
    onGapLost: (messages) => observer?.gapLost(messages),
    isHeld: (room) => io.of("/").adapter.rooms.has(room),
    follow: feed.follow,
  });
  // A room this gateway no longer holds is no longer followed.
  io.of("/").adapter.on("delete-room", (room: string) => sequencers.close(room));
  const joinRoom = createRoomSubscriber({
    sequencers,
    history,
    maxRecoveryMessages,
    onRecovered: (messages) => observer?.recovery("recovered", messages),
    onRecoveryFailed: (reason) => observer?.recovery(reason, 0),
  });
  // A subscriber that left before it was joined leaves the room followed by nobody: forget it.
  const subscribeRoom: RoomSubscriber = async (socket, room, since) => {
    try {
      return await joinRoom(socket, room, since);
    } finally {
      if (!io.of("/").adapter.rooms.has(room)) {
        sequencers.close(room);
        feed.unfollow(room);
      }
    }
  };
  return {
    subscribeRoom,
    listener: { follows: sequencers.follows, hear: sequencers.hear, resync: sequencers.resync },
  };
}
