import { randomBytes } from "node:crypto";
import type { FeedMessage } from "./feed-message.js";
import { NO_POSITION, positionTtlSeconds, type HistoryEntry, type HistorySettings, type RoomHistory } from "./room-history.js";
import { NO_HISTORY_STATE, type RoomHistoryState } from "./room-history-state.js";

export interface MemoryHistoryDeps {
  settings: HistorySettings;
  /** Hears every stored message, in order, as the gateways hear the Redis feed. */
  onAppend: (message: FeedMessage) => void;
  now?: () => number;
}

interface RoomLog {
  offset: number;
  epoch: string;
  entries: HistoryEntry[];
  entriesExpireAt: number;
  positionExpiresAt: number;
}

const SWEEP_INTERVAL_MS = 60_000;

/**
 * Room history in this process's memory, for the single instance: the same behaviour as the
 * Redis one (expiry after the latest message, positions that outlive entries, idempotency),
 * lost with the process, which a new epoch per room then tells reconnecting clients.
 */
export interface MemoryHistory extends RoomHistory {
  /** What the process holds, for the history size metrics. */
  stats(): { rooms: number; messages: number };
  /** One room's position and the messages it still holds (expired ones not counted), for GET /v1/rooms/:room. */
  state(room: string): Promise<RoomHistoryState>;
}

export function createMemoryHistory({ settings, onAppend, now = Date.now }: MemoryHistoryDeps): MemoryHistory {
  const rooms = new Map<string, RoomLog>();
  const idempotency = new Map<string, { offset: number; expiresAt: number }>();
  const ttlMs = settings.ttlSeconds * 1000;
  const positionTtlMs = positionTtlSeconds(settings) * 1000;
  let nextSweep = now() + SWEEP_INTERVAL_MS;

  // Expired state is dropped when read and, without timers, by a sweep at most once a minute.
  function live(room: string, at: number): RoomLog | undefined {
    const log = rooms.get(room);
    if (!log) return undefined;
    if (log.positionExpiresAt <= at) {
      rooms.delete(room);
      return undefined;
    }
    if (log.entriesExpireAt <= at) log.entries = [];
    return log;
  }

  function sweep(at: number) {
    if (at < nextSweep) return;
    nextSweep = at + SWEEP_INTERVAL_MS;
    for (const room of rooms.keys()) live(room, at);
    for (const [key, { expiresAt }] of idempotency) if (expiresAt <= at) idempotency.delete(key);
  }

  return {
    // At scrape time, expired entries included until read or swept: a count, not a walk per append.
    stats() {
      let messages = 0;
      for (const log of rooms.values()) messages += log.entries.length;
      return { rooms: rooms.size, messages };
    },
    async state(room) {
      const log = live(room, now());
      return log ? { offset: log.offset, epoch: log.epoch, size: log.entries.length } : NO_HISTORY_STATE;
    },
    async append({ room, entry, idempotencyKey }) {
      const at = now();
      sweep(at);
      const scoped = idempotencyKey === undefined ? undefined : `${room}\n${idempotencyKey}`;
      const earlier = scoped === undefined ? undefined : idempotency.get(scoped);
      if (earlier && earlier.expiresAt > at) {
        return { offset: earlier.offset, epoch: live(room, at)?.epoch ?? "", duplicate: true };
      }
      let log = live(room, at);
      if (!log) {
        log = { offset: 0, epoch: randomBytes(6).toString("base64url"), entries: [], entriesExpireAt: 0, positionExpiresAt: 0 };
        rooms.set(room, log);
      }
      const stored: HistoryEntry = { ...entry, offset: ++log.offset };
      log.entries.push(stored);
      if (log.entries.length > settings.size) log.entries.shift();
      log.entriesExpireAt = at + ttlMs;
      log.positionExpiresAt = at + positionTtlMs;
      if (scoped !== undefined) idempotency.set(scoped, { offset: stored.offset, expiresAt: at + settings.idempotencyTtlSeconds * 1000 });
      onAppend({ room, epoch: log.epoch, entry: stored });
      return { offset: stored.offset, epoch: log.epoch, duplicate: false };
    },
    async position(room) {
      const log = live(room, now());
      return log ? { offset: log.offset, epoch: log.epoch } : NO_POSITION;
    },
    async after(room, offset, limit) {
      const log = live(room, now());
      if (!log) return { position: NO_POSITION, entries: [] };
      const start = log.entries.findIndex((entry) => entry.offset > offset);
      const entries = start < 0 ? [] : log.entries.slice(start, start + limit);
      return { position: { offset: log.offset, epoch: log.epoch }, entries };
    },
  };
}
