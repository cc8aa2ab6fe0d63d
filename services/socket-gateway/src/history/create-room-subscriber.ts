import type { DeliveryMeta } from "@socket-server/shared/events";
import type { HistoryEntry, RoomHistory, RoomPosition } from "@socket-server/shared/history";
import type { RoomSequencers } from "./create-room-sequencers.js";

/** What a room subscriber needs of a socket. */
export interface JoiningSocket {
  id: string;
  readonly connected: boolean;
  readonly rooms: ReadonlySet<string>;
  join(room: string): unknown;
  emit(event: string, data: unknown, meta: DeliveryMeta): unknown;
}

/**
 * `already_joined`: the socket was in the room before it asked (the server joins `user:<sub>` at
 * connect), so what it missed before that cannot be replayed without repeating what it got since.
 */
export type RecoveryFailure = "epoch_changed" | "not_in_history" | "too_many_messages" | "already_joined";

export interface RoomSubscription {
  position: RoomPosition;
  /** Only for a subscribe with a position: whether everything after it was replayed. */
  recovered?: boolean;
}

export interface RoomSubscriberDeps {
  sequencers: RoomSequencers;
  history: Pick<RoomHistory, "after" | "position">;
  /** RECOVERY_MAX_MESSAGES: a longer gap is not replayed; the client reloads its state instead. */
  maxRecoveryMessages: number;
  onRecovered?: (messages: number) => void;
  onRecoveryFailed?: (reason: RecoveryFailure) => void;
}

export type RoomSubscriber = (socket: JoiningSocket, room: string, since?: RoomPosition) => Promise<RoomSubscription>;

/** How often the replay may chase a room that keeps receiving messages before it gives up on exactness. */
const MAX_REPLAY_ROUNDS = 20;

/**
 * Joins a socket to a room at a known position. Without `since` the socket receives everything
 * after the room's position as this gateway delivers it. With `since` it first receives, from
 * history, the messages after `since` up to what the room's sockets have been delivered, and
 * joins at that moment, synchronously after the last replayed one: nothing missed or repeated at
 * the seam, however busy the room. The room's other sockets are not held up meanwhile. A replay
 * that cannot be exact (another epoch, messages gone from history, too many) replays nothing
 * and says `recovered: false`, except that history trimmed mid-replay can cut one short.
 */
export function createRoomSubscriber(deps: RoomSubscriberDeps): RoomSubscriber {
  const { sequencers, history, maxRecoveryMessages, onRecovered = () => {}, onRecoveryFailed = () => {} } = deps;

  /** Joins where the room's deliveries stand at this moment (opening it again if it closed meanwhile). */
  async function joinAtCurrent(socket: JoiningSocket, room: string): Promise<RoomPosition> {
    const position = sequencers.position(room) ?? (await sequencers.open(room));
    if (socket.connected) socket.join(room);
    return position;
  }

  async function subscribe(socket: JoiningSocket, room: string, since?: RoomPosition): Promise<RoomSubscription> {
    const opened = await sequencers.open(room);
    if (!since) return { position: await joinAtCurrent(socket, room) };
    if (socket.rooms.has(room)) {
      const current = sequencers.position(room) ?? opened;
      // Receiving live all along, from an unknown point: only "nothing was missed" can be promised.
      const missedNothing = since.epoch === current.epoch && since.offset >= current.offset;
      if (missedNothing) onRecovered(0);
      else onRecoveryFailed("already_joined");
      return { position: current, recovered: missedNothing };
    }

    // A fresh room's first position has no epoch: any epoch that began after it counts from 0.
    const epoch = since.epoch === "" && since.offset === 0 ? opened.epoch : since.epoch;
    if (epoch !== opened.epoch) return fail(socket, room, "epoch_changed");
    if (since.offset > opened.offset) {
      // The client saw further than this gateway has delivered (it came from a faster one), or
      // claims to: only a position history holds may move the room's deliveries forward.
      const stored = await history.position(room);
      if (stored.epoch !== epoch || since.offset > stored.offset) return fail(socket, room, "not_in_history");
      await sequencers.catchUp(room, since);
    }
    if (opened.offset - since.offset > maxRecoveryMessages) return fail(socket, room, "too_many_messages");

    let cursor = since.offset;
    let replayed = 0;
    for (let round = 0; round < MAX_REPLAY_ROUNDS && socket.connected; round++) {
      const delivered = sequencers.position(room);
      if (!delivered) {
        await sequencers.open(room);
        continue;
      }
      if (delivered.epoch !== epoch) return fail(socket, room, "epoch_changed");
      if (cursor >= delivered.offset) {
        // Synchronously after the check: the room's next delivery reaches this socket too.
        if (socket.connected) socket.join(room);
        onRecovered(replayed);
        return { position: delivered, recovered: true };
      }
      if (delivered.offset - since.offset > maxRecoveryMessages) return fail(socket, room, "too_many_messages");
      const { entries } = await history.after(room, cursor, delivered.offset - cursor);
      // Replays up to what the room's sockets have been delivered by now; newer ones come live.
      const now = sequencers.position(room);
      if (!now) continue;
      if (now.epoch !== epoch) return fail(socket, room, "epoch_changed");
      if (entries[0]?.offset !== cursor + 1) return fail(socket, room, "not_in_history");
      for (const entry of entries) {
        if (entry.offset !== cursor + 1 || entry.offset > now.offset) break;
        if (!entry.except.includes(socket.id)) socket.emit(entry.event, entry.data, metaOf(room, epoch, entry));
        cursor = entry.offset;
        replayed++;
      }
    }
    // The room outran the replay round after round: exactness can no longer be promised.
    return fail(socket, room, "too_many_messages");
  }

  async function fail(socket: JoiningSocket, room: string, reason: RecoveryFailure): Promise<RoomSubscription> {
    onRecoveryFailed(reason);
    return { position: await joinAtCurrent(socket, room), recovered: false };
  }

  return subscribe;
}

export function metaOf(room: string, epoch: string, entry: HistoryEntry): DeliveryMeta {
  return { id: entry.id, room, ts: entry.ts, offset: entry.offset, epoch };
}
