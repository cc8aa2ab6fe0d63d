import type { DeliveryMeta, RoomPosition } from "./wire.js";

/**
 * Why a room's state could not be carried over:
 * - `not_recovered`: the gateway could not replay what was missed (too much, or gone from history);
 * - `epoch_changed`: the room's history was lost (Redis emptied, the single instance restarted);
 * - `history_off`: the gateway keeps no history, so a reconnect may have missed anything.
 */
export type UnrecoverableReason = "not_recovered" | "epoch_changed" | "history_off";

export interface Loss {
  reason: UnrecoverableReason;
  /** Where the room stood before; undefined when it had no position. */
  previous: RoomPosition | undefined;
}

export type Verdict = { deliver: false } | { deliver: true; loss?: Loss | undefined };

export interface SettleInput {
  position: RoomPosition | undefined;
  /** The ack's `recovered` for this room; undefined when no `since` was sent. */
  recovered: boolean | undefined;
}

export interface RoomCursor {
  readonly position: RoomPosition | undefined;
  /** Called as a subscribe goes out: the `since` to send, if any, and the ticket its ack settles. */
  begin(): { since: RoomPosition | undefined; ticket: number };
  /** A delivery: whether to hand it on, and whether it shows the room's state was lost. */
  receive(meta: DeliveryMeta): Verdict;
  /** The subscribe's ack: the room now stands at least at its position. Only the latest ticket counts. */
  settle(ticket: number, ack: SettleInput): Loss | undefined;
}

/** Ids remembered per room, for deliveries that carry no offset (history off). */
const RECENT_IDS = 256;

/**
 * One room's place in its history and its duplicate filter. A delivery is a duplicate when its
 * id was seen in this room, or when its offset is at or below the last one in the same epoch.
 * While a subscribe is on its way, deliveries are replays (or live ones racing the ack): they
 * are filtered the same way, but whether anything was lost is left to the ack, which knows.
 */
export function createRoomCursor(since?: RoomPosition): RoomCursor {
  let position = since && { ...since };
  let sentSince: RoomPosition | undefined;
  let awaiting = false;
  let ticket = 0;
  // A position handed in by the application counts as a resume, like a reconnect.
  let resumed = since !== undefined;
  const recentIds = new Set<string>();

  function remember(id: string) {
    recentIds.add(id);
    if (recentIds.size > RECENT_IDS) recentIds.delete(recentIds.values().next().value as string);
  }

  return {
    get position() {
      return position && { ...position };
    },

    begin() {
      awaiting = true;
      sentSince = position && { ...position };
      return { since: sentSince, ticket: ++ticket };
    },

    receive(meta) {
      if (recentIds.has(meta.id)) return { deliver: false };
      remember(meta.id);
      const { offset, epoch } = meta;
      if (!Number.isSafeInteger(offset) || typeof epoch !== "string") return { deliver: true };
      const at: RoomPosition = { offset: offset as number, epoch };
      if (position && sameEpoch(position, at) && at.offset <= position.offset) return { deliver: false };
      const previous = position;
      position = at;
      if (awaiting || !previous || sameEpoch(previous, at)) return { deliver: true };
      return { deliver: true, loss: { reason: "epoch_changed", previous } };
    },

    settle(answered, { position: acked, recovered }) {
      // An older subscribe answered late (it timed out and was sent again): the newer one decides.
      if (answered !== ticket || !awaiting) return undefined;
      const sent = sentSince;
      const wasResumed = resumed;
      awaiting = false;
      sentSince = undefined;
      resumed = true;
      if (acked) position = later(position, acked);
      if (recovered === false) {
        const reason = sent && acked && sent.epoch !== "" && sent.epoch !== acked.epoch ? "epoch_changed" : "not_recovered";
        return { reason, previous: sent };
      }
      // Without positions the gateway keeps no history: coming back may have missed anything.
      if (!acked && wasResumed) return { reason: "history_off", previous: sent };
      return undefined;
    },
  };
}

// A room with no message yet has epoch "": its first epoch continues it from offset 0.
function sameEpoch(a: RoomPosition, b: RoomPosition): boolean {
  return a.epoch === b.epoch || (a.epoch === "" && a.offset === 0) || (b.epoch === "" && b.offset === 0);
}

/** The further of two positions in one epoch; the acked one when the epochs differ. */
function later(current: RoomPosition | undefined, acked: RoomPosition): RoomPosition {
  if (!current || !sameEpoch(current, acked) || current.epoch === "") return { ...acked };
  return current.offset > acked.offset ? current : { ...acked };
}
