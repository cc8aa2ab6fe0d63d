import { fileURLToPath } from "node:url";
import { startFleet } from "../lib/client-fleet.mjs";
import { nowMs, sleep } from "../lib/clock.mjs";
import { startCoreLoad } from "../lib/core-load.mjs";
import { makeData, BENCH_EVENT } from "../lib/payload.mjs";
import { createPipelinedPublisher } from "../lib/pipelined-publisher.mjs";
import { cpuMicros } from "../lib/proc-stats.mjs";
import { CLIENT_CORE, SERVER_CORE } from "../lib/processes.mjs";
import { PUBLISH_KEY, startRedis, startServer } from "../lib/servers.mjs";
import { LIMITS } from "../lib/validity.mjs";
import { waitUntil } from "../lib/wait-until.mjs";

const CLIENT_SCRIPT = fileURLToPath(new URL("../lib/recovery-client-process.mjs", import.meta.url));

/**
 * Scenario 7, recovery after a gateway kill (issue 13): two gateways in Redis mode and
 * publish-api on the server core, a private Redis on the client core. `clients` plain
 * socket.io-clients (client core, several processes, 127.0.0.2 and up) subscribe to two rooms
 * each on gateway A while publish-api publishes `rate`/s round-robin over the rooms. Gateway A
 * is SIGKILLed; every client at once opens a socket to gateway B and subscribes with its rooms'
 * last positions as `since`. Measured: per-client time from the kill to a `recovered: true` ack
 * (the replay arrives before it), how many recovered, every delivery checked for a missed or
 * repeated offset up to each room's final offset, and Redis commands per recovery
 * (`INFO commandstats` around the recovery, less the publish path's commands and the
 * background rate measured before the kill).
 */
const PUBLISH_PATH_COMMANDS = new Set(["evalsha", "eval", "hincrby", "hget", "hset", "del", "xadd", "expire", "publish"]);

export async function runRecovery({ config, log }) {
  const { clients, rooms, rate, processes, warmMs, afterMs, timeoutMs, repeats } = config.recovery;
  const runs = [];
  for (let r = 0; r < repeats; r++) {
    const run = await runOnce({ clients, rooms, rate, processes, warmMs, afterMs, timeoutMs, log });
    log(`  recovery run ${r + 1}: ${run.recovered}/${run.clients} recovered, to the ack p50 ${fmt(run.timeToRecoveredMs.p50)} ms p99 ${fmt(run.timeToRecoveredMs.p99)} ms max ${fmt(run.timeToRecoveredMs.max)} ms, ` +
      `missed ${run.missed}, duplicated ${run.duplicates}, ${fmt(run.redis.commandsPerRecovery, 2)} Redis commands per recovery, client core ${run.clientCorePct.toFixed(0)}%` +
      `${run.valid ? "" : ` INVALID: ${run.reasons.join("; ")}`}`);
    runs.push(run);
  }
  return { config: config.recovery, runs };
}

const fmt = (value, digits = 0) => (value === null || value === undefined ? "–" : value.toFixed(digits));

async function runOnce({ clients, rooms, rate, processes, warmMs, afterMs, timeoutMs, log }) {
  const started = [];
  let fleet;
  const stopAll = async () => {
    await fleet?.close();
    for (const process of [...started].reverse()) await process.stop();
  };
  try {
    const redis = await startRedis();
    started.push(redis);
    const env = { REDIS_URL: redis.url, REDIS_ENABLED: "true", REDIS_PREFIX: `bench-${process.pid}`, ANONYMOUS_ROOMS: "*" };
    const api = await startServer("publish-api", { env });
    started.push(api);
    const gatewayA = await startServer("gateway", { env });
    started.push(gatewayA);
    const gatewayB = await startServer("gateway", { env });
    started.push(gatewayB);
    for (const server of [api, gatewayA, gatewayB]) {
      await waitUntil(async () => (await fetch(`${server.url}/ready`)).ok, { timeoutMs: 20_000, what: `${server.name} /ready` });
    }
    const { default: Redis } = await import("ioredis");
    const probe = new Redis(redis.url);

    const roomNames = Array.from({ length: rooms }, (_, n) => `rec:${n}`);
    // Two rooms each, the second a different one for every tenth of the clients.
    const roomsOf = (index) => [roomNames[index % rooms], roomNames[(index + 1 + Math.floor(index / rooms)) % rooms]];
    fleet = await startFleet({ processes, script: CLIENT_SCRIPT });
    const share = Math.ceil(clients / processes);
    const t0 = nowMs();
    const connected = await fleet.all("connect", (i) => {
      const count = Math.max(0, Math.min(share, clients - i * share));
      return { urlA: gatewayA.url, urlB: gatewayB.url, firstIndex: i * share, count, roomsOf: Array.from({ length: count }, (_, k) => roomsOf(i * share + k)), addresses: 8 };
    });
    log(`  recovery: ${connected.reduce((s, c) => s + c.connected, 0)} clients subscribed on gateway A in ${((nowMs() - t0) / 1000).toFixed(1)} s`);
    await fleet.all("arm");

    const publishing = await startPublishing({ port: api.port, rate, rooms: roomNames });
    await sleep(warmMs / 2);
    // Commands Redis serves anyway (publishes aside) over a window as long as half the warm-up.
    const background0 = await commandStats(probe);
    const backgroundT0 = nowMs();
    await sleep(warmMs / 2);
    const before = await commandStats(probe);
    const backgroundMs = nowMs() - backgroundT0;

    const cpu0 = { gatewayB: cpuMicros(gatewayB.pid), api: cpuMicros(api.pid), redis: cpuMicros(redis.pid) };
    const serverCore = startCoreLoad(SERVER_CORE, [gatewayB.pid, api.pid]);
    const clientCore = startCoreLoad(CLIENT_CORE, []);
    const published0 = publishing.sent();
    const killedAt = nowMs();
    gatewayA.child.kill("SIGKILL");
    let allAt = null;
    let counts = [];
    while (nowMs() - killedAt < timeoutMs) {
      await sleep(50);
      counts = await fleet.all("counts");
      if (counts.reduce((s, c) => s + c.recovered, 0) >= clients) {
        allAt = nowMs();
        break;
      }
    }
    const clientLoopDelayP99Ms = Math.max(...counts.map((c) => c.loopDelayP99Ms));
    const after = await commandStats(probe);
    const windowMs = nowMs() - killedAt;
    const publishedInWindow = publishing.sent() - published0;
    const cpu = { gatewayB: cpuMicros(gatewayB.pid) - cpu0.gatewayB, api: cpuMicros(api.pid) - cpu0.api, redis: cpuMicros(redis.pid) - cpu0.redis };
    const serverCoreLoad = serverCore();
    const clientCoreLoad = clientCore();

    await sleep(afterMs);
    const publishStats = await publishing.stop();
    await sleep(1_000); // the last deliveries
    const finals = Object.fromEntries(await Promise.all(roomNames.map(async (room) => [room, Number((await probe.hget(`bench-${process.pid}:room:{${room}}:position`, "offset")) ?? 0)])));
    probe.disconnect();
    const reports = await fleet.all("collect", () => ({ finals }));
    const all = reports.flatMap((report) => report.clients);

    const sum = (key) => all.reduce((total, c) => total + c[key], 0);
    const times = all.filter((c) => c.recovered).map((c) => c.recoveredAt - killedAt).sort((a, b) => a - b);
    const sorted = (values) => values.sort((a, b) => a - b);
    const detect = sorted(all.filter((c) => c.disconnectedAt !== null).map((c) => c.disconnectedAt - killedAt));
    const reconnect = sorted(all.filter((c) => c.reconnectedAt !== null).map((c) => c.reconnectedAt - killedAt));
    // The subscribe with since alone: from the new socket's connect to its ack (replay included).
    const subscribe = sorted(all.filter((c) => c.recovered).map((c) => c.recoveredAt - c.reconnectedAt));
    const recovered = all.filter((c) => c.recovered).length;
    const acked = all.filter((c) => c.recoveredAt !== null).length;
    const delta = diffStats(before, after);
    const backgroundDelta = diffStats(background0, before);
    const recoveryCommands = Object.entries(delta).filter(([command]) => !PUBLISH_PATH_COMMANDS.has(command) && command !== "info");
    const backgroundCommands = Object.entries(backgroundDelta).filter(([command]) => !PUBLISH_PATH_COMMANDS.has(command) && command !== "info");
    const backgroundRate = backgroundCommands.reduce((s, [, calls]) => s + calls, 0) / backgroundMs;
    const recoveryCalls = recoveryCommands.reduce((s, [, calls]) => s + calls, 0) - backgroundRate * windowMs;
    const publishCalls = Object.entries(delta).filter(([command]) => PUBLISH_PATH_COMMANDS.has(command)).reduce((s, [, calls]) => s + calls, 0);
    const clientCorePct = clientCoreLoad.busyPct;

    const reasons = [];
    if (recovered < clients) reasons.push(`${clients - recovered} of ${clients} not recovered (${acked - recovered} answered recovered: false)`);
    if (sum("missed") > 0) reasons.push(`${sum("missed")} messages missed`);
    if (sum("duplicates") > 0) reasons.push(`${sum("duplicates")} duplicated`);
    if (sum("epochChanges") > 0) reasons.push(`${sum("epochChanges")} epoch changes`);
    if (sum("unexpectedDisconnects") > 0) reasons.push(`${sum("unexpectedDisconnects")} unexpected disconnects`);
    if (publishStats.refused > 0) reasons.push(`${publishStats.refused} publishes not accepted`);
    if (serverCoreLoad.othersPct > LIMITS.serverCoreOthersPct) reasons.push(`other processes took ${serverCoreLoad.othersPct.toFixed(0)}% of the server core`);
    return {
      clients,
      rooms,
      roomsPerClient: 2,
      rate,
      recovered,
      notRecovered: acked - recovered,
      neverAnswered: clients - acked,
      allRecoveredMs: allAt === null ? null : allAt - killedAt,
      timeToRecoveredMs: percentiles(times),
      timeToDisconnectNoticedMs: percentiles(detect),
      timeToReconnectedMs: percentiles(reconnect),
      subscribeWithSinceMs: percentiles(subscribe),
      missed: sum("missed"),
      duplicates: sum("duplicates"),
      epochChanges: sum("epochChanges"),
      received: sum("received"),
      retries: all.reduce((s, c) => s + Math.max(0, c.attempts - 2), 0),
      refusalSamples: [...new Set(all.flatMap((c) => c.refusals))].slice(0, 5),
      published: publishStats.sent,
      publishedInWindow,
      redis: {
        windowMs,
        commandsPerRecovery: recovered ? recoveryCalls / recovered : null,
        commandsPerRoomRecovery: recovered ? recoveryCalls / (recovered * 2) : null,
        recoveryCommands: Object.fromEntries(recoveryCommands),
        publishPathCommands: publishCalls,
        publishPathCommandsPerPublish: publishedInWindow ? publishCalls / publishedInWindow : null,
        backgroundPerSecond: backgroundRate * 1000,
        cpuUsPerRecovery: recovered ? cpu.redis / recovered : null,
      },
      cpuMsInWindow: { gatewayB: cpu.gatewayB / 1000, publishApi: cpu.api / 1000, redis: cpu.redis / 1000 },
      gatewayBCpuUsPerRecovery: recovered ? cpu.gatewayB / recovered : null,
      clientCorePct,
      serverCorePct: serverCoreLoad.busyPct,
      serverCoreOthersPct: serverCoreLoad.othersPct,
      clientLoopDelayP99Ms,
      // The herd can saturate the client core for a moment: then part of the time is the
      // clients' own (reported, not invalid: the herd is what is measured).
      clientBound: clientCorePct > LIMITS.clientCpuPct || clientLoopDelayP99Ms > LIMITS.loopDelayP99Ms,
      valid: reasons.length === 0,
      reasons,
    };
  } finally {
    await stopAll();
  }
}

/** Publishes `rate`/s round-robin over `rooms` until stopped, on a fixed schedule. */
async function startPublishing({ port, rate, rooms }) {
  const publisher = await createPipelinedPublisher({ port, path: "/v1/publish", token: PUBLISH_KEY, connections: 8 });
  let accepted = 0;
  publisher.onAnswer((status) => {
    if (status === "202") accepted++;
  });
  const intervalMs = 1000 / rate;
  const start = nowMs() + 5;
  let k = 0;
  let stopped = false;
  const loop = (async () => {
    while (!stopped) {
      const now = nowMs();
      publisher.batch(() => {
        while (start + k * intervalMs <= now) {
          const due = start + k * intervalMs;
          const room = rooms[k % rooms.length];
          publisher.send(JSON.stringify({ room, event: BENCH_EVENT, data: makeData(due, k, 0, 100) }), due, room);
          k++;
        }
      });
      await sleep(Math.max(1, start + k * intervalMs - nowMs()));
    }
  })();
  return {
    sent: () => k,
    async stop() {
      stopped = true;
      await loop;
      const deadline = nowMs() + 10_000;
      while (publisher.outstanding() > 0 && nowMs() < deadline) await sleep(20);
      const stats = publisher.stats();
      publisher.close();
      return { sent: stats.sent, accepted, refused: stats.sent - accepted, samples: stats.errorSamples };
    },
  };
}

async function commandStats(redis) {
  const text = await redis.info("commandstats");
  const calls = {};
  for (const match of text.matchAll(/^cmdstat_([^:]+):calls=(\d+)/gm)) calls[match[1]] = Number(match[2]);
  return calls;
}

function diffStats(before, after) {
  const delta = {};
  for (const [command, calls] of Object.entries(after)) {
    const d = calls - (before[command] ?? 0);
    if (d > 0) delta[command] = d;
  }
  return delta;
}

function percentiles(sorted) {
  if (sorted.length === 0) return { n: 0, p50: null, p99: null, max: null };
  const at = (p) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
  return { n: sorted.length, p50: at(50), p99: at(99), max: sorted.at(-1) };
}
