import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort } from "./free-port.mjs";
import { CLIENT_CORE, spawnPinned, stopChild } from "./processes.mjs";
import { waitUntil } from "./wait-until.mjs";

const SLOTS = 16384;

/**
 * A Redis Cluster of `shards` primaries (no replicas) on loopback, on the client core like the
 * bench's single Redis. Built by hand (CLUSTER MEET, then ADDSLOTSRANGE per node) rather than with
 * `redis-cli --cluster create`, which refuses fewer than 3 primaries: a 1-shard cluster is what
 * separates the cost of cluster mode itself from the cost of spreading rooms over shards.
 */
export async function startRedisCluster({ shards }) {
  const dir = mkdtempSync(join(tmpdir(), "bench-redis-cluster-"));
  const { default: Redis } = await import("ioredis");
  const nodes = [];
  const probes = [];
  const stop = async () => {
    for (const probe of probes) probe.disconnect();
    for (const node of nodes) await stopChild(node.child);
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    for (let i = 0; i < shards; i++) {
      const port = await freePort();
      // --cluster-port (Redis 7): the bus gets its own free port instead of port + 10000, which may be taken or past 65535.
      const busPort = await freePort();
      const child = spawnPinned(CLIENT_CORE, "redis-server", [
        "--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", dir,
        "--cluster-enabled", "yes", "--cluster-config-file", `nodes-${port}.conf`, "--cluster-port", String(busPort),
        // A lone node learns its own address only from a peer's MEET: without this a 1-shard
        // cluster answers CLUSTER SLOTS with an empty host, which clients cannot follow.
        "--cluster-announce-ip", "127.0.0.1",
      ]);
      nodes.push({ port, busPort, pid: child.pid, child });
      const probe = new Redis({ port, host: "127.0.0.1", lazyConnect: true, maxRetriesPerRequest: 1 });
      probe.on("error", () => {});
      probes.push(probe);
    }
    for (const probe of probes) await waitUntil(async () => (await probe.ping()) === "PONG", { timeoutMs: 10_000, what: "cluster node" });
    for (const node of nodes.slice(1)) await probes[0].call("CLUSTER", "MEET", "127.0.0.1", String(node.port), String(node.busPort));
    for (let i = 0; i < shards; i++) {
      const first = Math.floor((i * SLOTS) / shards);
      const last = Math.floor(((i + 1) * SLOTS) / shards) - 1;
      await probes[i].call("CLUSTER", "ADDSLOTSRANGE", String(first), String(last));
    }
    await waitUntil(async () => {
      for (const probe of probes) {
        const info = await probe.call("CLUSTER", "INFO");
        if (!info.includes("cluster_state:ok") || !info.includes(`cluster_known_nodes:${shards}`)) return false;
      }
      return true;
    }, { timeoutMs: 20_000, what: `a ${shards}-shard cluster to cover every slot` });
  } catch (error) {
    await stop();
    throw error;
  }
  for (const probe of probes) probe.disconnect();
  probes.length = 0;
  return {
    nodes,
    pids: nodes.map((node) => node.pid),
    seeds: nodes.map((node) => `127.0.0.1:${node.port}`).join(","),
    stop,
  };
}
