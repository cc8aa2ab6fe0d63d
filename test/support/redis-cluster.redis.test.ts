import { Cluster, Redis } from "ioredis";
import { afterEach, describe, expect, it } from "vitest";
import { startRedisCluster, type RedisCluster, type RedisClusterNode } from "./redis-cluster.js";
import { testPrefix } from "./test-prefix.js";
import { waitUntil } from "./wait-until.js";

describe("startRedisCluster", () => {
  let cluster: RedisCluster | undefined;
  let client: Cluster | undefined;

  afterEach(async () => {
    client?.disconnect();
    await cluster?.stop();
    client = cluster = undefined;
  });

  const connect = (seeds: string) => {
    const startupNodes = seeds.split(",").map((seed) => ({ host: seed.split(":")[0]!, port: Number(seed.split(":")[1]) }));
    const created = new Cluster(startupNodes);
    created.on("error", () => {});
    return created;
  };

  /** One key per primary: a write that lands on the wrong node would then be noticed. */
  async function keyPerPrimary(primaries: RedisClusterNode[], prefix: string): Promise<Map<number, string>> {
    const keys = new Map<number, string>();
    for (let i = 0; keys.size < primaries.length; i++) {
      const key = `${prefix}:${i}`;
      const owner = await cluster!.primaryForKey(key);
      if (!keys.has(owner.port)) keys.set(owner.port, key);
    }
    return keys;
  }

  it("serves all 16384 slots from three primaries, each key on the primary that owns its slot", async () => {
    cluster = await startRedisCluster({ primaries: 3 });
    client = connect(cluster.seeds);

    const ranges = await client.cluster("SLOTS");
    expect(ranges.reduce((sum, [start, end]) => sum + end - start + 1, 0)).toBe(16384);
    expect(new Set(ranges.map((range) => range[2]?.[1]))).toEqual(new Set(cluster.nodes.map((node) => node.port)));

    const keys = await keyPerPrimary(cluster.nodes, testPrefix("cluster"));
    for (const [port, key] of keys) {
      await client.set(key, `on ${port}`);
      // Read from the node itself, not through the cluster client: proves where the key lives.
      const direct = new Redis({ host: "127.0.0.1", port, maxRetriesPerRequest: 1 });
      try {
        expect(await direct.get(key)).toBe(`on ${port}`);
      } finally {
        direct.disconnect();
      }
    }
  });

  it("promotes a replica when its primary is killed, keeping a write the replica had acknowledged", async () => {
    cluster = await startRedisCluster({ primaries: 3, replicasPerPrimary: 1 });
    client = connect(cluster.seeds);
    const key = `${testPrefix("failover")}:survivor`;
    const primary = await cluster.primaryForKey(key);
    expect(await primary.role()).toBe("master");

    await client.set(key, "before the crash");
    // WAIT counts replica acks for writes made on this connection: the cluster client's own one to that primary.
    const connection = client.nodes("master").find((node) => node.options.port === primary.port)!;
    expect(await connection.wait(1, 100)).toBe(1);

    await cluster.kill(primary.port);
    const promoted = await cluster.waitForFailover(primary.port);
    expect(promoted.port).not.toBe(primary.port);
    expect(await promoted.role()).toBe("master");
    expect((await cluster.primaryForKey(key)).port).toBe(promoted.port);
    // The client learns the new owner on its own (a closed connection makes it refresh its slot map).
    expect(await waitUntil(() => client!.get(key), { what: "the key through the cluster client" })).toBe("before the crash");
  });
});
