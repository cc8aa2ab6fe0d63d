import { sleep } from "../lib/clock.mjs";
import { predictGateways } from "../lib/cluster-prediction.mjs";
import { openPassiveSubscribers } from "../lib/passive-subscribers.mjs";
import { cpuMicrosFine } from "../lib/proc-schedstat.mjs";
import { startBatchPublisher } from "../lib/batch-publisher.mjs";
import { startRedisCluster } from "../lib/redis-cluster.mjs";
import { connectRoomClients } from "../lib/room-clients.mjs";
import { startRedis, startServer } from "../lib/servers.mjs";

/**
 * The topologies, each 2 gateways and publish-api on the server core around Redis on the client
 * core: one redis-server with classic or sharded pub/sub, and a 1- and a 3-shard cluster.
 */
const TOPOLOGIES = [
  { name: "classic", label: "one Redis, classic pub/sub", pubsub: "classic" },
  { name: "sharded", label: "one Redis, sharded pub/sub", pubsub: "sharded" },
  { name: "cluster-1", label: "Redis Cluster, 1 shard", shards: 1 },
  { name: "cluster-3", label: "Redis Cluster, 3 shards", shards: 3 },
];
const GATEWAYS = 2;

/**
 * What Redis Cluster and sharded pub/sub cost and save, in one run: deliveries/s and CPU per
 * message (Redis, gateways, publish-api) per topology at one fixed offered rate, then on the
 * single Redis K passive subscribers standing in for more gateways, so that the Redis CPU one
 * more receiving gateway adds per message is measured; the prediction for 10 and 100 gateways
 * is computed from those.
 */
export async function runCluster({ config, log }) {
  const settings = config.cluster;
  const topologies = {};
  for (const topology of TOPOLOGIES) {
    try {
      topologies[topology.name] = await runTopology(topology, settings, log);
    } catch (error) {
      topologies[topology.name] = { label: topology.label, error: error.stack };
      log(`  cluster ${topology.name} failed: ${error.message}`);
    }
  }
  const perReceiver = (name, receiversAdded) => {
    const t = topologies[name];
    if (!t?.base || !t.withSubscribers) return null;
    return { redisUsPerMessage: t.base.redisUsPerMessage, perReceiverUs: (t.withSubscribers.redisUsPerMessage - t.base.redisUsPerMessage) / receiversAdded };
  };
  // Classic: each of the K subscribers receives every message (K receivers more per message).
  // Sharded: each holds 1/K of the rooms, so every message gains exactly one receiver.
  const prediction = predictGateways({ classic: perReceiver("classic", settings.extraSubscribers), sharded: perReceiver("sharded", 1), rate: settings.rate });
  return { settings, gateways: GATEWAYS, topologies, prediction };
}

async function runTopology(topology, settings, log) {
  const { rooms: roomCount, rate, warmMs, stepMs, extraSubscribers } = settings;
  const prefix = `bench-${process.pid}-${topology.name}`;
  const started = [];
  let clients;
  let publisher;
  try {
    const redis = topology.shards ? await startRedisCluster({ shards: topology.shards }) : await startRedis();
    started.push(redis);
    const redisPids = redis.pids ?? [redis.pid];
    const env = topology.shards
      ? { REDIS_CLUSTER_NODES: redis.seeds, REDIS_PREFIX: prefix }
      : { REDIS_URL: redis.url, REDIS_PUBSUB: topology.pubsub, REDIS_PREFIX: prefix };
    const gateways = [];
    for (let i = 0; i < GATEWAYS; i++) {
      const gateway = await startServer("gateway", { env: { ...env, REDIS_ENABLED: "true" } });
      started.push(gateway);
      gateways.push(gateway);
    }
    const api = await startServer("publish-api", { env });
    started.push(api);

    // Even rooms on the first gateway, odd on the second: every room's clients on one gateway.
    const rooms = Array.from({ length: roomCount }, (_, i) => `r${i}`);
    clients = await connectRoomClients({ rooms, gatewayFor: (room) => gateways[Number(room.slice(1)) % GATEWAYS].url });
    log(`  cluster ${topology.name}: ${roomCount} clients on ${GATEWAYS} gateways, ${rate} msg/s offered`);
    publisher = startBatchPublisher({ url: api.url, rate, rooms });
    await sleep(warmMs);

    const pids = { redis: redisPids, gateways: gateways.map((g) => g.pid), publishApi: [api.pid] };
    const base = await measureWindow({ pids, publisher, clients, stepMs, topology });
    log(`  cluster ${topology.name}: ${describe(base)}`);
    const result = { label: topology.label, shards: topology.shards ?? null, pubsub: topology.pubsub ?? "sharded", redisProcesses: redisPids.length, base };

    if (!topology.shards) {
      const command = topology.pubsub === "classic" ? "SUBSCRIBE" : "SSUBSCRIBE";
      const channelsFor = topology.pubsub === "classic"
        ? () => [`${prefix}:room-feed`]
        : (j) => rooms.filter((_, i) => i % extraSubscribers === j).map((room) => `${prefix}:room:{${room}}:feed`);
      const passive = await openPassiveSubscribers({ port: redis.port, channelsFor, count: extraSubscribers, command });
      try {
        await sleep(1_000);
        result.withSubscribers = { subscribers: extraSubscribers, ...(await measureWindow({ pids, publisher, clients, stepMs, topology })) };
        log(`  cluster ${topology.name} + ${extraSubscribers} passive ${command}: ${describe(result.withSubscribers)}`);
      } finally {
        passive.close();
      }
    }
    result.errorSamples = publisher.errorSamples;
    return result;
  } finally {
    publisher?.stop();
    // Answers still in flight would land on a stopped publish-api as failures: let them arrive.
    await sleep(publisher ? 500 : 0);
    clients?.close();
    for (const process of started.reverse()) await process.stop();
  }
}

async function measureWindow({ pids, publisher, clients, stepMs, topology }) {
  const cpu = () => Object.fromEntries(Object.entries(pids).map(([role, list]) => [role, list.reduce((sum, pid) => sum + cpuMicrosFine(pid), 0)]));
  const before = { at: performance.now(), cpu: cpu(), counters: publisher.counters(), delivered: clients.delivered() };
  await sleep(stepMs);
  const after = { at: performance.now(), cpu: cpu(), counters: publisher.counters(), delivered: clients.delivered() };
  const seconds = (after.at - before.at) / 1000;
  const messages = after.counters.accepted - before.counters.accepted;
  const offered = after.counters.offered - before.counters.offered;
  const delivered = after.delivered - before.delivered;
  const perMessage = (role) => (messages ? (after.cpu[role] - before.cpu[role]) / messages : null);
  const acceptedPerSecond = messages / seconds;
  // Computed from pub/sub semantics, not read off the link: classic pushes every stored message to
  // every gateway (each skips rooms it does not hold), sharded only its own rooms' (half here).
  const perGatewayLink = topology.pubsub === "classic" ? acceptedPerSecond : acceptedPerSecond / GATEWAYS;
  const reasons = [];
  if (offered && messages < 0.98 * offered) reasons.push(`accepted ${messages} of ${offered} offered`);
  if (messages && Math.abs(delivered - messages) > 0.02 * messages) reasons.push(`delivered ${delivered} for ${messages} accepted`);
  const refused = after.counters.refused + after.counters.failed - before.counters.refused - before.counters.failed;
  if (refused) reasons.push(`${refused} messages refused or failed`);
  return {
    seconds,
    offeredPerSecond: offered / seconds,
    acceptedPerSecond,
    deliveriesPerSecond: delivered / seconds,
    redisUsPerMessage: perMessage("redis"),
    gatewayUsPerMessage: perMessage("gateways"),
    publishApiUsPerMessage: perMessage("publishApi"),
    redisCpuPct: ((after.cpu.redis - before.cpu.redis) / (seconds * 1e6)) * 100,
    perGatewayLinkMessagesPerSecond: perGatewayLink,
    valid: reasons.length === 0,
    reasons,
  };
}

const describe = (w) =>
  `${w.acceptedPerSecond.toFixed(0)} msg/s accepted, ${w.deliveriesPerSecond.toFixed(0)} deliveries/s, CPU µs/msg: Redis ${w.redisUsPerMessage?.toFixed(1)}, ` +
  `gateways ${w.gatewayUsPerMessage?.toFixed(1)}, publish-api ${w.publishApiUsPerMessage?.toFixed(1)}${w.valid ? "" : ` (invalid: ${w.reasons.join("; ")})`}`;
