import { execFile, spawn, type ChildProcess } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { Redis } from "ioredis";
import { freePort } from "./free-port.js";
import { GiveUp, waitUntil } from "./wait-until.js";

const HOST = "127.0.0.1";
const SLOTS = 16384;

export interface RedisClusterNode {
  host: string;
  port: number;
  /** What the node says it is now: a failover turns a "slave" into a "master". */
  role(): Promise<"master" | "slave">;
}

export interface RedisClusterOptions {
  primaries?: number;
  replicasPerPrimary?: number;
  /** `cluster-node-timeout`: how long a silent node takes to be declared failed. */
  nodeTimeoutMs?: number;
}

export interface RedisCluster {
  nodes: RedisClusterNode[];
  /** `host:port,host:port,...`, the form REDIS_CLUSTER_NODES takes. */
  seeds: string;
  primaryForSlot(slot: number): Promise<RedisClusterNode>;
  primaryForKey(key: string): Promise<RedisClusterNode>;
  /** SIGKILL: the node vanishes without telling its peers, as a crashed host would. */
  kill(port: number): Promise<void>;
  /** Resolves with the replica that took over the killed primary's slots, once every survivor agrees. */
  waitForFailover(oldPrimaryPort: number, options?: { timeoutMs?: number }): Promise<RedisClusterNode>;
  /** Kills every node and deletes their directories. */
  stop(): Promise<void>;
}

interface Running extends RedisClusterNode {
  child: ChildProcess;
  dir: string;
  alive: boolean;
}

/** CLUSTER SLOTS: [start, end, [host, port, id, ...] of the primary, ...replicas]. */
type SlotRange = [number, number, [string, number, ...unknown[]], ...unknown[]];

/**
 * A real Redis Cluster of `redis-server` processes on free loopback ports, built with
 * `redis-cli --cluster create` the way an operator would, for tests of slot routing and failover.
 */
export async function startRedisCluster({ primaries = 3, replicasPerPrimary = 0, nodeTimeoutMs = 1000 }: RedisClusterOptions = {}): Promise<RedisCluster> {
  // redis-cli refuses fewer than 3 primaries: with 2, no majority survives the loss of one.
  if (primaries < 3) throw new Error(`a Redis Cluster needs at least 3 primaries, not ${primaries}`);
  const root = mkdtempSync(join(tmpdir(), "redis-cluster-"));
  const running: Running[] = [];
  const slotsBeforeKill = new Map<number, number[]>();

  async function stopAll() {
    await Promise.all(running.map((node) => killNode(node)));
    rmSync(root, { recursive: true, force: true });
  }

  try {
    const taken = new Set<number>();
    for (let i = 0; i < primaries * (1 + replicasPerPrimary); i++) running.push(await spawnNode(root, nodeTimeoutMs, taken));
    await Promise.all(running.map((node) => waitForPing(node)));
    await promisify(execFile)("redis-cli", [
      "--cluster", "create", ...running.map((node) => `${HOST}:${node.port}`),
      "--cluster-replicas", String(replicasPerPrimary), "--cluster-yes",
    ], { timeout: 30_000 });
    await waitUntil(() => everyNodeAgrees(running, primaries, replicasPerPrimary), { timeoutMs: 20_000, what: "the cluster to cover every slot on every node" });
  } catch (error) {
    await stopAll();
    throw error;
  }

  const alive = () => running.filter((node) => node.alive);
  const byPort = (port: number) => {
    const node = running.find((candidate) => candidate.port === port);
    if (!node) throw new Error(`no node of this cluster listens on ${port}`);
    return node;
  };

  /** Asks the first live node that answers: any of them knows the whole slot map. */
  async function askAnyone<T>(...args: [string, ...(string | number)[]]): Promise<T> {
    let lastError: unknown = new Error("every node is down");
    for (const node of alive()) {
      try {
        return (await command(node.port, ...args)) as T;
      } catch (error) {
        lastError = error;
      }
    }
    throw lastError;
  }

  async function primaryForSlot(slot: number) {
    const ranges = await askAnyone<SlotRange[]>("CLUSTER", "SLOTS");
    const range = ranges.find(([start, end]) => slot >= start && slot <= end);
    if (!range) throw new Error(`no node serves slot ${slot}`);
    return byPort(range[2][1]);
  }

  return {
    nodes: running,
    seeds: running.map((node) => `${node.host}:${node.port}`).join(","),
    primaryForSlot,
    primaryForKey: async (key) => primaryForSlot(await askAnyone<number>("CLUSTER", "KEYSLOT", key)),
    async kill(port) {
      const node = byPort(port);
      // Remembered so that waitForFailover knows which slots must change hands.
      const ranges = await askAnyone<SlotRange[]>("CLUSTER", "SLOTS").catch(() => []);
      slotsBeforeKill.set(port, ranges.filter((range) => range[2][1] === port).map(([start]) => start));
      await killNode(node);
    },
    async waitForFailover(oldPrimaryPort, { timeoutMs = 15_000 } = {}) {
      const firstSlots = slotsBeforeKill.get(oldPrimaryPort);
      if (!firstSlots?.length) throw new Error(`${oldPrimaryPort} was not a primary killed through kill()`);
      const newPort = await waitUntil(async () => {
        let owner: number | undefined;
        for (const node of alive()) {
          const info = parseInfo(await command(node.port, "CLUSTER", "INFO") as string);
          if (info.cluster_state !== "ok" || info.cluster_slots_ok !== String(SLOTS)) return undefined;
          const ranges = await command(node.port, "CLUSTER", "SLOTS") as SlotRange[];
          const ownerHere = ranges.find(([start, end]) => firstSlots[0]! >= start && firstSlots[0]! <= end)?.[2][1];
          // Each survivor must have updated its own map: a client may ask any of them.
          if (ownerHere === undefined || ownerHere === oldPrimaryPort || (owner !== undefined && ownerHere !== owner)) return undefined;
          owner = ownerHere;
        }
        return owner;
      }, { timeoutMs, intervalMs: 100, what: `a replica to take over the slots of ${oldPrimaryPort}` });
      return byPort(newPort);
    },
    stop: stopAll,
  };
}

async function spawnNode(root: string, nodeTimeoutMs: number, taken: Set<number>): Promise<Running> {
  // The bus defaults to port + 10000, which overflows for ephemeral ports above 55535: pick it too.
  const port = await unusedPort(taken);
  const busPort = await unusedPort(taken);
  const dir = join(root, `node-${port}`);
  mkdirSync(dir);
  const child = spawn("redis-server", [
    "--port", String(port), "--bind", HOST, "--dir", dir, "--logfile", join(dir, "redis.log"),
    "--cluster-enabled", "yes", "--cluster-port", String(busPort),
    "--cluster-config-file", join(dir, `nodes-${port}.conf`), "--cluster-node-timeout", String(nodeTimeoutMs),
    "--save", "", "--appendonly", "no",
    // Redis 7.0 leaves a replica out of CLUSTER SLOTS while its replication offset is 0, and an
    // idle primary sends its first PING to replicas only after this period (10 s by default).
    "--repl-ping-replica-period", "1",
    // A diskless full sync waits 5 s by default for more replicas to join it: one is all there is.
    "--repl-diskless-sync-delay", "0",
  ], { stdio: "ignore" });
  const node: Running = {
    host: HOST, port, child, dir, alive: true,
    role: async () => ((await command(port, "ROLE")) as [string])[0] as "master" | "slave",
  };
  child.once("exit", () => {
    node.alive = false;
  });
  return node;
}

/** freePort twice in a row may answer the same port while no node has bound it yet. */
async function unusedPort(taken: Set<number>): Promise<number> {
  for (;;) {
    const port = await freePort();
    if (!taken.has(port)) {
      taken.add(port);
      return port;
    }
  }
}

async function waitForPing(node: Running) {
  await waitUntil(async () => {
    if (node.child.exitCode !== null) throw new GiveUp(`redis-server on ${node.port} exited: ${logTail(node.dir)}`);
    return (await command(node.port, "PING")) === "PONG";
  }, { what: `redis-server on port ${node.port}` });
}

/**
 * Ready means every node sees every node and serves every slot, each replica is in sync with its
 * primary, and every node lists the replicas in CLUSTER SLOTS, where clients learn of them.
 */
async function everyNodeAgrees(nodes: Running[], primaries: number, replicasPerPrimary: number): Promise<boolean> {
  for (const node of nodes) {
    const info = parseInfo(await command(node.port, "CLUSTER", "INFO") as string);
    if (info.cluster_state !== "ok" || info.cluster_slots_ok !== String(SLOTS) || info.cluster_known_nodes !== String(nodes.length)) return false;
    if (info.cluster_size !== String(primaries)) return false;
    const ranges = await command(node.port, "CLUSTER", "SLOTS") as SlotRange[];
    if (ranges.some((range) => range.length !== 3 + replicasPerPrimary)) return false;
    if ((await node.role()) === "slave") {
      // A replica that has not finished its first sync cannot be promoted: failover tests would hang.
      const replication = parseInfo(await command(node.port, "INFO", "replication") as string);
      if (replication.master_link_status !== "up") return false;
    }
  }
  return true;
}

/** One command on a fresh connection: a node may have been killed since the last one. */
async function command(port: number, ...args: [string, ...(string | number)[]]): Promise<unknown> {
  const client = new Redis({ host: HOST, port, lazyConnect: true, connectTimeout: 1000, commandTimeout: 2000, maxRetriesPerRequest: 0, retryStrategy: () => null });
  client.on("error", () => {});
  try {
    await client.connect();
    return await client.call(...args);
  } finally {
    client.disconnect();
  }
}

async function killNode(node: Running) {
  const { child } = node;
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once("exit", resolve));
  child.kill("SIGKILL");
  await exited;
}

function parseInfo(text: string): Record<string, string> {
  return Object.fromEntries(text.split(/\r?\n/).filter((line) => line.includes(":")).map((line) => {
    const at = line.indexOf(":");
    return [line.slice(0, at), line.slice(at + 1)];
  }));
}

function logTail(dir: string): string {
  try {
    return readFileSync(join(dir, "redis.log"), "utf8").trim().split("\n").slice(-5).join("\n");
  } catch {
    return "(no log)";
  }
}
