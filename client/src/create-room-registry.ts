import type { Socket } from "socket.io-client";
import { ClientError } from "./client-error.js";
import type { Backoff } from "./create-backoff.js";
import { createRoomCursor, type Loss, type RoomCursor } from "./create-room-cursor.js";
import { createSubscriptionHandle, type SubscriptionHandle } from "./create-subscription-handle.js";
import type { MessageHandler, SubscribeOptions, Subscription } from "./types.js";
import { isRoomName, type AckErrorCode, type DeliveryMeta, type RoomPosition, type SubscribeAck, type SubscribeRequest } from "./wire.js";

export interface RoomRegistryDeps {
  socket: Socket;
  backoff: Backoff;
  ackTimeoutMs: number;
  onError: (error: ClientError) => void;
}

export interface RoomRegistry {
  add(room: string, handler: MessageHandler<never>, options: SubscribeOptions): Subscription;
  deliver(event: string, data: unknown, meta: DeliveryMeta): void;
  connected(): void;
  disconnected(): void;
  close(): void;
}

interface RoomEntry {
  room: string;
  cursor: RoomCursor;
  handles: Set<SubscriptionHandle>;
  /** The connection (generation) this room was last sent or acked on. */
  sentOn?: number;
  ackedOn?: number;
}

// The gateway answers these when a retry can succeed: history out of reach, too many events.
const RETRYABLE = new Set<AckErrorCode>(["unavailable", "rate_limited"]);

/**
 * The rooms this client follows, one entry per room however many `subscribe` calls share it.
 * Subscribes made in one tick go out as one emit, and every connection sends every room again
 * with `since` = its position. Acks that belong to a connection since lost are ignored: the
 * next connection sends its own.
 */
export function createRoomRegistry({ socket, backoff, ackTimeoutMs, onError }: RoomRegistryDeps): RoomRegistry {
  const entries = new Map<string, RoomEntry>();
  const queued = new Set<RoomEntry>();
  const timers = new Set<ReturnType<typeof setTimeout>>();
  let generation = 0;
  let flushing = false;
  let closed = false;

  const current = (entry: RoomEntry) => entries.get(entry.room) === entry;

  function queue(entry: RoomEntry) {
    queued.add(entry);
    if (flushing) return;
    flushing = true;
    queueMicrotask(() => {
      flushing = false;
      // Emits while disconnected would be buffered and sent next to the reconnect's own subscribe.
      if (!socket.connected || queued.size === 0 || closed) return;
      const batch = [...queued];
      queued.clear();
      send(batch);
    });
  }

  function send(batch: RoomEntry[]) {
    const sentOn = generation;
    const since: Record<string, RoomPosition> = {};
    const tickets = new Map<RoomEntry, number>();
    for (const entry of batch) {
      const begun = entry.cursor.begin();
      tickets.set(entry, begun.ticket);
      entry.sentOn = sentOn;
      if (begun.since) since[entry.room] = begun.since;
    }
    const rooms = batch.map((entry) => entry.room);
    const request: SubscribeRequest = Object.keys(since).length > 0 ? { rooms, since } : { rooms };
    socket.timeout(ackTimeoutMs).emit("subscribe", request, (error: Error | null, ack: SubscribeAck) => {
      if (closed || sentOn !== generation) return;
      const live = batch.filter(current);
      if (live.length === 0) return;
      if (error || typeof ack !== "object" || ack === null) {
        return retry(live, "timeout", `no answer to subscribe within ${ackTimeoutMs} ms`);
      }
      if (ack.ok) {
        backoff.reset();
        for (const entry of live) settle(entry, tickets.get(entry)!, ack);
        return;
      }
      const { code, message, retryAfterMs } = ack.error;
      if (RETRYABLE.has(code)) return retry(live, code, message, retryAfterMs);
      // One refused room refuses the whole list: ask room by room to find it.
      if (live.length > 1) return live.forEach((entry) => send([entry]));
      refuse(live[0]!, new ClientError(code, message, { retryable: false, room: live[0]!.room }));
    });
  }

  function settle(entry: RoomEntry, ticket: number, ack: Extract<SubscribeAck, { ok: true }>) {
    entry.ackedOn = generation;
    const loss = entry.cursor.settle(ticket, { position: ack.positions?.[entry.room], recovered: ack.recovered?.[entry.room] });
    for (const handle of entry.handles) handle.ready();
    if (loss) tellLoss(entry, loss);
  }

  function retry(live: RoomEntry[], code: AckErrorCode | "timeout", message: string, retryAfterMs?: number) {
    for (const entry of live) onError(new ClientError(code, message, { retryable: true, room: entry.room, retryAfterMs }));
    const timer = setTimeout(() => {
      timers.delete(timer);
      // A reconnect meanwhile has subscribed them again already.
      for (const entry of live) if (current(entry) && entry.ackedOn !== generation) queue(entry);
    }, backoff.next(retryAfterMs));
    timers.add(timer);
  }

  function refuse(entry: RoomEntry, error: ClientError) {
    entries.delete(entry.room);
    queued.delete(entry);
    for (const handle of entry.handles) handle.close(error);
    onError(error);
  }

  function tellLoss(entry: RoomEntry, loss: Loss) {
    const info = { room: entry.room, reason: loss.reason, position: entry.cursor.position, previous: loss.previous };
    for (const handle of entry.handles) handle.unrecoverable(info);
  }

  function remove(entry: RoomEntry, handle: SubscriptionHandle) {
    entry.handles.delete(handle);
    if (entry.handles.size > 0 || !current(entry)) return;
    entries.delete(entry.room);
    queued.delete(entry);
    // Sent on this connection (acked or not): the gateway handles requests in order, so this follows it.
    if (entry.sentOn === generation && socket.connected) socket.emit("unsubscribe", entry.room);
  }

  return {
    add(room, handler, options) {
      if (closed) throw new ClientError("closed", "this client is closed", { retryable: false, room });
      if (!isRoomName(room)) {
        throw new ClientError("invalid_room", `invalid room name ${JSON.stringify(room)}: 1 to 128 of A-Z a-z 0-9 _ - : . @ =`, { retryable: false, room });
      }
      let entry = entries.get(room);
      if (!entry) {
        entry = { room, cursor: createRoomCursor(options.since), handles: new Set() };
        entries.set(room, entry);
        queue(entry);
      }
      const owner = entry;
      const handle = createSubscriptionHandle({ room, handler, options, position: () => owner.cursor.position, unsubscribe: (closing) => remove(owner, closing) });
      entry.handles.add(handle);
      if (entry.ackedOn === generation && socket.connected) handle.ready();
      return handle.subscription;
    },

    deliver(event, data, meta) {
      const entry = entries.get(meta.room);
      if (!entry) return;
      const verdict = entry.cursor.receive(meta);
      if (!verdict.deliver) return;
      if (verdict.loss) tellLoss(entry, verdict.loss);
      for (const handle of [...entry.handles]) handle.deliver(data, meta, event);
    },

    connected() {
      generation++;
      for (const entry of entries.values()) queue(entry);
    },

    disconnected() {
      generation++;
    },

    close() {
      closed = true;
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      const error = new ClientError("closed", "the client was closed before the gateway answered", { retryable: false });
      for (const entry of entries.values()) for (const handle of entry.handles) handle.close(error);
      entries.clear();
      queued.clear();
    },
  };
}
