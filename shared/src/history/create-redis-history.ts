import { createHash, randomBytes } from "node:crypto";
import { Cluster, type Redis } from "ioredis";
import type { RedisConnection } from "../redis/create-redis-client.js";
import type { PubSubMode } from "../redis/pub-sub.js";
import { batchPerTurn, type Pending } from "../redis/batch-per-turn.js";
import { APPEND_SCRIPT } from "./append-script.js";
import { encodeStoredEntry } from "./feed-message.js";
import { historyFeedChannel, historyKeys, roomFeedChannel } from "./history-keys.js";
import {
  NO_POSITION,
  positionTtlSeconds,
  type AppendRequest,
  type AppendResult,
  type HistoryEntry,
  type HistorySettings,
  type RoomHistory,
} from "./room-history.js";

export interface RedisHistoryDeps {
  /** A `command` client (no offline queue, a command timeout): a publish fails fast instead of queueing. */
  client: RedisConnection;
  prefix: string;
  settings: HistorySettings;
  /** `sharded`: each room's messages are announced on its own shard channel (SPUBLISH). */
  pubSub?: PubSubMode;
}

const COMMAND = "socketServerAppend";
type AppendReply = [offset: number, epoch: string, receivers: number];
type ScriptClient = Record<typeof COMMAND, (...args: Array<string | number>) => Promise<AppendReply[]>>;
type PendingAppend = Pending<AppendRequest, AppendReply>;

/** Room history in Redis: a position hash and a capped stream per room (history-keys.ts). */
export function createRedisHistory({ client, prefix, settings, pubSub = "classic" }: RedisHistoryDeps): RoomHistory {
  // ioredis sends it by hash and loads it again after NOSCRIPT (a restarted or flushed Redis);
  // a cluster runs it through clusterScriptRunner instead.
  if (!(client instanceof Cluster) && !(COMMAND in client)) client.defineCommand(COMMAND, { lua: APPEND_SCRIPT });
  const sharded = pubSub === "sharded";
  const classicChannel = historyFeedChannel(prefix);
  const publishCommand = sharded ? "SPUBLISH" : "PUBLISH";
  const constants = [String(settings.size), String(settings.ttlSeconds), String(positionTtlSeconds(settings))];
  const idempotencyTtl = String(settings.idempotencyTtlSeconds);
  const nextEpoch = epochPool();
  const runInCluster = client instanceof Cluster ? clusterScriptRunner(client) : undefined;

  /** One script call for one room's appends, in the order they were asked for. */
  const argsOf = (room: string, appends: PendingAppend[]): string[] => {
    const keys = historyKeys(prefix, room);
    const keyList = [keys.position, keys.log];
    const entries: string[] = [];
    for (const { item } of appends) {
      if (item.idempotencyKey !== undefined) keyList.push(keys.idempotency(item.idempotencyKey));
      entries.push(encodeStoredEntry(item.entry), item.idempotencyKey === undefined ? "0" : "1");
    }
    const channel = sharded ? roomFeedChannel(prefix, room) : classicChannel;
    return [String(keyList.length), ...keyList, ...constants, nextEpoch(), channel, room, idempotencyTtl, publishCommand, ...entries];
  };

  // The appends of one turn leave in one write, like plain publishes (batch-publishes.ts), and
  // those of one room as one script call: per message, one command fewer to build, send and run.
  const append = batchPerTurn((batch: PendingAppend[]) => {
    const byRoom = new Map<string, PendingAppend[]>();
    for (const pending of batch) {
      const appends = byRoom.get(pending.item.room);
      if (appends) appends.push(pending);
      else byRoom.set(pending.item.room, [pending]);
    }
    // Each room's call answers its appends one by one, or all of them with its error.
    const calls = [...byRoom].map(([room, appends]) => ({
      args: argsOf(room, appends),
      resolve: (replies: AppendReply[]) => appends.forEach((pending, index) => (replies[index] ? pending.resolve(replies[index]) : pending.reject(new Error("Redis gave no reply")))),
      reject: (error: unknown) => appends.forEach((pending) => pending.reject(error)),
    }));
    // In a cluster the rooms' calls go one by one: ioredis pipelines them per node by itself
    // (autopipelining), where one pipeline could hold the keys of one node only.
    if (runInCluster) {
      for (const { args, resolve, reject } of calls) runInCluster(args).then(resolve, reject);
      return;
    }
    // Each room's call on its own, written while the socket is corked: the turn's calls still
    // leave in one write, without an ioredis pipeline, whose construction and exec were 6.7% of
    // publish-api's CPU with 1,000 rooms (bench/README.md, "Twelfth round"). ioredis writes a
    // command on the call when connected; a command client refuses it at once otherwise (and
    // has no socket at all before its first connection).
    const socket = (client as Redis).stream as Redis["stream"] | undefined;
    socket?.cork();
    try {
      for (const { args, resolve, reject } of calls) (client as unknown as ScriptClient)[COMMAND](...args).then(resolve, reject);
    } finally {
      socket?.uncork();
    }
  });

  async function position(room: string) {
    const [offset, epoch] = await client.hmget(historyKeys(prefix, room).position, "offset", "epoch");
    return offset == null || epoch == null ? NO_POSITION : { offset: Number(offset), epoch };
  }

  return {
    async append(request): Promise<AppendResult> {
      const [offset, epoch, receivers] = await append(request);
      return { offset, epoch, duplicate: receivers === -1 };
    },
    position,
    async after(room, offset, limit) {
      const keys = historyKeys(prefix, room);
      // One round trip; MULTI so the position and the entries are read at the same moment.
      const replies = await client
        .multi()
        .hmget(keys.position, "offset", "epoch")
        .xrange(keys.log, `(${offset}-0`, "+", "COUNT", limit)
        .exec();
      if (!replies) throw new Error("Redis aborted the history read");
      for (const [error] of replies) if (error) throw error;
      const [current, epoch] = replies[0]![1] as [string | null, string | null];
      const stream = replies[1]![1] as Array<[id: string, fields: string[]]>;
      return {
        position: current === null || epoch === null ? NO_POSITION : { offset: Number(current), epoch },
        entries: stream.map(([id, fields]) => decodeEntry(id, fields)),
      };
    },
  };
}

/**
 * Runs the append script in a cluster as EVALSHA, loading it with EVAL where a node lacks it
 * (a new or failed-over primary). ioredis autopipelines a known command by its first key, so each
 * call joins the pipeline of the node owning its room; a defined command would be grouped by its
 * first argument, the key count, and refused.
 */
function clusterScriptRunner(client: Cluster): (args: string[]) => Promise<AppendReply[]> {
  const sha = createHash("sha1").update(APPEND_SCRIPT).digest("hex");
  return async ([keyCount, ...rest]) => {
    try {
      return (await client.evalsha(sha, keyCount!, ...rest)) as AppendReply[];
    } catch (error) {
      if (!String((error as Error).message).startsWith("NOSCRIPT")) throw error;
      return (await client.eval(APPEND_SCRIPT, keyCount!, ...rest)) as AppendReply[];
    }
  };
}

/**
 * The epoch each append offers for a history it would start (the script keeps it only then),
 * 6 random bytes as before, drawn 256 at a time: one synchronous `randomBytes` per append was
 * about a tenth of a batch's CPU (bench/README.md, "Seventh round").
 */
function epochPool(): () => string {
  const EPOCH_BYTES = 6;
  let pool = Buffer.alloc(0);
  let next = 0;
  return () => {
    if (next === pool.length) {
      pool = randomBytes(EPOCH_BYTES * 256);
      next = 0;
    }
    next += EPOCH_BYTES;
    return pool.toString("base64url", next - EPOCH_BYTES, next);
  };
}

function decodeEntry(id: string, fields: string[]): HistoryEntry {
  const stored = JSON.parse(fields[1]!) as Omit<HistoryEntry, "offset">;
  return { ...stored, offset: Number(id.slice(0, id.indexOf("-"))) };
}
