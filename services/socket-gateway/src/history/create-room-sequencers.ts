import type { FeedMessage, HistoryEntry, RoomHistory, RoomPosition } from "@socket-server/shared/history";

export interface RoomSequencersDeps {
  history: Pick<RoomHistory, "position" | "after">;
  /** Writes one message to the room's local sockets. */
  deliver: (room: string, epoch: string, entry: HistoryEntry) => void;
  /** The most a gap-fill asks history for at once (HISTORY_SIZE: history holds no more). */
  maxFill: number;
  onGapFilled?: (messages: number) => void;
  /** Messages a gap-fill found gone from history (trimmed or expired) or could not fetch. */
  onGapLost?: (messages: number) => void;
  retryDelaysMs?: readonly number[];
  /**
   * Whether this gateway has sockets in a room it does not follow (joined by the server, such
   * as `user:<sub>`): such a room is followed from the first message heard for it.
   */
  isHeld?: (room: string) => boolean;
  /**
   * Resolves once the feed brings the room's messages to this gateway (a sharded feed subscribes
   * per room): a room is opened at its position only then, so nothing after it can be missed.
   */
  follow?: (room: string) => Promise<void>;
}

export interface RoomSequencers {
  /** Starts following a room (its first local subscriber) and resolves with where its deliveries stand. */
  open(room: string): Promise<RoomPosition>;
  /** Where an open room's deliveries stand now; undefined when it is not open (or not yet). */
  position(room: string): RoomPosition | undefined;
  /** Stops following a room (its last local subscriber left). */
  close(room: string): void;
  /** Whether messages for the room are used (it is open, or held): the feed skips the others. */
  follows(room: string): boolean;
  /** A message from the feed, in any order, any number of times. */
  hear(message: FeedMessage): void;
  /** Brings an open room's deliveries up to `target`, for a client that already saw that far. */
  catchUp(room: string, target: RoomPosition): Promise<void>;
  /** Checks every open room against history: the feed may have dropped messages (its link was down). */
  resync(): void;
}

interface RoomState {
  epoch: string;
  /** The latest offset delivered to the room's sockets, or the room's position when it was opened. */
  last: number;
  /** Heard, not yet delivered: waiting for a gap before them to be filled. */
  queue: FeedMessage[];
  /** An offset history is known to hold: everything up to it is fetched if the feed does not bring it. */
  target: number;
  /** Callers waiting for `last` to reach an offset. */
  waiters: Array<{ offset: number; resolve: () => void }>;
  ready: boolean;
  /** The queue is being worked (or the room is still opening). */
  busy: boolean;
  opened: Promise<void>;
}

const DEFAULT_RETRY_DELAYS_MS = [50, 100, 200, 400, 800, 1600, 3200];

/**
 * The gateway's per-room sequencing of what the feed announces: each open room's messages reach
 * its sockets once each, in offset order, whatever order (and however many times) the feed
 * delivered them. A message beyond the next offset means messages were missed: they are fetched
 * from history and delivered first. Closed rooms are ignored, so the cost follows the rooms this
 * gateway holds, not every room of the fleet.
 */
export function createRoomSequencers(deps: RoomSequencersDeps): RoomSequencers {
  const { history, deliver, maxFill, onGapFilled = () => {}, onGapLost = () => {}, isHeld = () => false, follow = () => Promise.resolve() } = deps;
  const retryDelays = deps.retryDelaysMs ?? DEFAULT_RETRY_DELAYS_MS;
  const rooms = new Map<string, RoomState>();
  const isCurrent = (room: string, state: RoomState) => rooms.get(room) === state;

  async function pump(room: string, state: RoomState): Promise<void> {
    if (state.busy) return;
    state.busy = true;
    try {
      while (isCurrent(room, state)) {
        const next = state.queue[0];
        if (next && next.epoch !== state.epoch) {
          // History was lost and began again (or the room had none): the new epoch counts from 0.
          state.epoch = next.epoch;
          state.last = 0;
          state.target = 0;
        }
        const wanted = next ? next.entry.offset - 1 : state.target;
        if (wanted > state.last) {
          await fill(room, state, wanted);
        } else if (next) {
          state.queue.shift();
          if (next.entry.offset > state.last) {
            state.last = next.entry.offset;
            deliver(room, state.epoch, next.entry);
          }
        } else {
          // Nothing queued and nothing more to fetch: whoever waits for more will not get it here.
          settleWaiters(state, true);
          break;
        }
        settleWaiters(state);
      }
    } finally {
      state.busy = false;
      settleWaiters(state, !isCurrent(room, state));
    }
  }

  /** Delivers the room's messages after `state.last` up to `upTo` from history; skips what is gone. */
  async function fill(room: string, state: RoomState, upTo: number): Promise<void> {
    const { epoch } = state;
    // What history holds, once read: deliveries never move past it, whatever was asked for.
    let stored: number | undefined;
    for (let attempt = 0; ; attempt++) {
      try {
        const { position, entries } = await history.after(room, state.last, Math.min(upTo - state.last, maxFill));
        if (!isCurrent(room, state) || state.epoch !== epoch) return;
        if (position.epoch !== epoch) break;
        stored = position.offset;
        let filled = 0;
        for (const entry of entries) {
          if (entry.offset <= state.last || entry.offset > upTo) continue;
          if (entry.offset > state.last + 1) onGapLost(entry.offset - state.last - 1);
          state.last = entry.offset;
          deliver(room, epoch, entry);
          filled++;
        }
        onGapFilled(filled);
        // Asked for at most maxFill: what is still missing is fetched on the next pass.
        if (filled > 0 && state.last < upTo) return;
        break;
      } catch {
        const delay = retryDelays[attempt];
        if (delay === undefined) break;
        await new Promise((resolve) => setTimeout(resolve, delay));
        if (!isCurrent(room, state)) return;
      }
    }
    // Gone from history, or history out of reach for good: move on rather than hold the room.
    const skipTo = Math.min(upTo, stored ?? upTo);
    if (state.last < skipTo) onGapLost(skipTo - state.last);
    state.last = Math.max(state.last, skipTo);
    state.target = Math.min(state.target, state.last);
  }

  function settleWaiters(state: RoomState, all = false) {
    if (state.waiters.length === 0) return;
    state.waiters = state.waiters.filter((waiter) => {
      const done = all || waiter.offset <= state.last;
      if (done) waiter.resolve();
      return !done;
    });
  }

  function open(room: string): Promise<RoomPosition> {
    let state = rooms.get(room);
    if (!state) {
      const created: RoomState = { epoch: "", last: 0, queue: [], target: 0, waiters: [], ready: false, busy: true, opened: Promise.resolve() };
      created.opened = follow(room).then(() => history.position(room)).then(
        (position) => {
          created.epoch = position.epoch;
          created.last = position.offset;
          created.ready = true;
          created.busy = false;
          void pump(room, created);
        },
        (error: unknown) => {
          if (isCurrent(room, created)) rooms.delete(room);
          throw error;
        },
      );
      rooms.set(room, created);
      state = created;
    }
    const opening = state;
    return opening.opened.then(() => ({ offset: opening.last, epoch: opening.epoch }));
  }

  /** Resolves once the room's deliveries reached `offset` (or the room closed); history holds it. */
  function reach(room: string, state: RoomState, offset: number): Promise<void> {
    if (state.last >= offset || !isCurrent(room, state)) return Promise.resolve();
    state.target = Math.max(state.target, offset);
    const reached = new Promise<void>((resolve) => state.waiters.push({ offset, resolve }));
    void pump(room, state);
    return reached;
  }

  return {
    open,
    position(room) {
      const state = rooms.get(room);
      return state?.ready ? { offset: state.last, epoch: state.epoch } : undefined;
    },
    follows: (room) => rooms.has(room) || isHeld(room),
    close(room) {
      const state = rooms.get(room);
      rooms.delete(room);
      if (state) settleWaiters(state, true);
    },
    hear(message) {
      let state = rooms.get(message.room);
      if (!state) {
        if (!isHeld(message.room)) return;
        // No position was asked for: the room's deliveries start with this message.
        const start = { epoch: message.epoch, last: message.entry.offset - 1, queue: [], target: 0, waiters: [] };
        state = { ...start, ready: true, busy: false, opened: Promise.resolve() };
        rooms.set(message.room, state);
      }
      state.queue.push(message);
      void pump(message.room, state);
    },
    async catchUp(room, target) {
      const state = rooms.get(room);
      if (!state) return;
      await state.opened;
      if (target.epoch !== state.epoch) await check(room, state);
      if (target.epoch === state.epoch) await reach(room, state, target.offset);
    },
    resync() {
      for (const [room, state] of rooms) void state.opened.then(() => checkRetrying(room, state), () => {});
    },
  };

  /**
   * The feed link can be back before the command link that reads history: keep trying, or a
   * quiet room would wait for its next message to show what it missed.
   */
  async function checkRetrying(room: string, state: RoomState): Promise<void> {
    for (let attempt = 0; isCurrent(room, state); attempt++) {
      try {
        return await check(room, state);
      } catch {
        const delay = retryDelays[attempt];
        if (delay === undefined) return;
        await new Promise((resolve) => setTimeout(resolve, delay));
      }
    }
  }

  /** Compares an open room with its history's position and delivers what it lacks. */
  async function check(room: string, state: RoomState): Promise<void> {
    const position = await history.position(room);
    if (!isCurrent(room, state)) return;
    if (position.epoch !== state.epoch && position.offset > 0) {
      // History began (again) since the room was opened: deliver the new epoch from its start.
      Object.assign(state, { epoch: position.epoch, last: 0, target: 0 });
    }
    if (position.epoch === state.epoch) await reach(room, state, position.offset);
  }
}
