import { renderCluster } from "./render-cluster.mjs";
/**
 * The human-readable report: one table per scenario, every server figure next to its ratio to
 * the baselines measured in the same run. Medians with [min–max] over the repeated runs.
 */
const f = (value, digits = 1) => (value === null || value === undefined || Number.isNaN(value) ? "–" : Number(value).toFixed(digits));
const spread = (s, digits = 1) => (s?.median === null || s?.median === undefined ? "–" : `${f(s.median, digits)} [${f(s.min, digits)}–${f(s.max, digits)}]`);
// A repeated step's own figure, then [min–max] over its valid runs when there were several.
const withRange = (value, range, digits) => `${f(value, digits)}${range?.n > 1 ? ` [${f(range.min, digits)}–${f(range.max, digits)}]` : ""}`;
const kb = (bytes) => f(bytes === null || bytes === undefined ? null : bytes / 1024);
const ratio = (value, base) => (value && base ? `${(value / base).toFixed(2)}×` : "–");
// Reasons repeat across runs with different numbers; keep each kind once.
const summarizeReasons = (runs) => [...new Set(runs.flatMap((r) => r.reasons.map((reason) => reason.replace(/[\d.]+/g, "N"))))].join("; ");
// The Redis topologies are compared with stock Socket.IO's Redis topology, the others with stock.
const stockFor = (targets, name) => (name.includes("-redis") ? targets["stock-redis"] : targets.stock);
/** A climb's knee as the tables say it: "≥" when even the top rate passed. */
const kneeLabel = (climb) => (climb.kneeRate === null ? "below the lowest step" : `${climb.reached ? "" : "≥ "}${climb.kneeRate}/s`);

/**
 * Issue 16's comparison of two climbs in the same run: our knee at least theirs, and our p99 at
 * their half-knee rate at most theirs there. Unjudged (null) when either did not climb.
 */
function climbAgainst(ours, theirs, what, whom) {
  if (!ours || !theirs) return [];
  const knee = [`issue 16: ${what}: knee at least ${whom}'s`, `${kneeLabel(ours)} against ${kneeLabel(theirs)}`, ours.kneeRate === null ? false : theirs.kneeRate === null ? true : ours.kneeRate >= theirs.kneeRate];
  const half = theirs.halfKnee;
  const mine = half && ours.steps?.find((step) => step.rate === half.rate);
  const p99 = [
    `issue 16: ${what}: p99 at half ${whom}'s knee at most theirs`,
    half && mine ? `${f(mine.latency.p99, 2)} ms against ${f(half.latency.p99, 2)} ms at ${half.rate}/s${mine.valid ? "" : " (ours invalid)"}` : "no half-knee step to compare",
    half && mine ? mine.valid && mine.latency.p99 <= half.latency.p99 : null,
  ];
  return [knee, p99];
}
const validity = (entry) => (entry?.valid ? "valid" : `**invalid**: ${(entry?.reasons ?? ["not run"]).join("; ")}`);

export function renderMarkdown(results, chartFile) {
  const { targets, machine } = results;
  const names = Object.keys(targets);
  const lines = [
    `# Benchmark ${results.startedAt} (${results.mode})`,
    "",
    `Machine: ${machine.cores} × ${machine.cpu}, ${machine.memoryGiB} GiB, Node ${machine.node}, Linux ${machine.kernel}; ` +
      `servers pinned to core ${machine.serverCore}, load clients and publisher to core ${machine.clientCore}. ` +
      `Command: \`npm run bench${results.mode === "full" ? " -- --full" : ""}\`. ${results.config.connections} connections ` +
      `(${results.config.cohort} of them real socket.io-client), over ${results.config.clientProcs} client processes.`,
    "",
    `![chart](${chartFile})`,
    "",
  ];

  const floorIdle = targets.floor?.idle;
  if (names.some((n) => targets[n].idle)) {
    lines.push("## 1. Idle capacity", "", "Settled: at the end of the idle window, after the ramp's garbage is collected; after ramp: 3 s after the last connection. Both against the server before the ramp.", "");
    lines.push("| server | connections | RSS / conn settled (KB) | vs floor | vs stock | RSS / conn after ramp (KB) | heap / conn settled, after ramp (KB) | connect p50 / p99 (ms) | heartbeat CPU | validity |", "|---|---|---|---|---|---|---|---|---|---|");
    for (const name of names) {
      const idle = targets[name].idle;
      if (!idle) continue;
      const settled = idle.settledRssBytesPerConnection ?? null;
      lines.push(`| ${targets[name].label} | ${idle.connections} | ${kb(settled)} | ${ratio(settled, floorIdle?.settledRssBytesPerConnection)} | ${ratio(settled, stockFor(targets, name)?.idle?.settledRssBytesPerConnection)} | ${kb(idle.rssBytesPerConnection)} | ${kb(idle.settledHeapBytesPerConnection)}, ${kb(idle.heapBytesPerConnection)} | ${f(idle.connectTime.p50)} / ${f(idle.connectTime.p99)} | ${idle.heartbeat ? `${f(idle.heartbeat.serverCpuPct, 2)}%` : "–"} | ${validity(idle)} |`);
    }
    lines.push("");
  }

  const sizes = results.config.fanout.sizes;
  if (names.some((n) => targets[n].fanout)) {
    lines.push("## 2. Big-room fan-out", "", `One room of every connection, one message every ${results.config.fanout.intervalMs} ms; median [min–max] over the valid runs (up to ${results.config.fanout.repeats}, with up to ${results.config.fanout.extraAttempts ?? 0} extra attempts when other work spoils some) after a warm-up. Latency from the publish's intended send time to receipt. CPU / delivery: the server process's CPU time over the phase divided by deliveries; net of idle subtracts its idle-capacity CPU rate (heartbeats, timers, sweeps) over the same time. In the Redis topologies the server is two processes, the socket server and its publisher, and both are counted; "vs stock" there compares with stock Socket.IO's Redis topology, and "vs floor" with the floor fed through the same Redis hop (floor-redis) when the run has it, so the hop's own cost is not charged to them.`, "");
    lines.push("| server | payload | p50 (ms) | p99 (ms) | max (ms) | CPU / delivery (µs) | vs floor | vs stock | net of idle (µs) | net vs floor | client core | validity |", "|---|---|---|---|---|---|---|---|---|---|---|---|");
    // The Redis topologies against their own floor at that size, when the run has it; floor-redis
    // itself against the floor, which shows what the Redis hop costs.
    const floorAt = (name, size) => (name !== "floor-redis" && name.includes("-redis") && targets["floor-redis"]?.fanout?.[size]) || targets.floor?.fanout?.[size];
    for (const size of sizes) {
      for (const name of names) {
        const entry = targets[name].fanout?.[size];
        if (!entry) continue;
        const s = entry.summary;
        const cpu = s.cpuUsPerDelivery.median;
        const runs = entry.runs;
        lines.push(`| ${targets[name].label} | ${size} B | ${spread(s.p50)} | ${spread(s.p99)} | ${spread(s.max)} | ${spread(s.cpuUsPerDelivery, 2)} | ${ratio(cpu, floorAt(name, size)?.summary.cpuUsPerDelivery.median)} | ${ratio(cpu, stockFor(targets, name)?.fanout?.[size]?.summary.cpuUsPerDelivery.median)} | ${spread(s.netCpuUsPerDelivery, 2)} | ${ratio(s.netCpuUsPerDelivery?.median, floorAt(name, size)?.summary.netCpuUsPerDelivery?.median)} | ${f(s.clientCpuPct.median, 0)}% | ${runs.filter((r) => r.valid).length}/${runs.length} valid${entry.valid ? "" : ` (figures from invalid runs): ${summarizeReasons(runs)}`} |`);
      }
    }
    lines.push("");
    // Issue 13: the same gateway with history off, where the run has it.
    const pairs = [["gateway", "gateway-history-off"], ["gateway-redis", "gateway-redis-history-off"]].filter(([on, off]) => targets[on]?.fanout && targets[off]?.fanout);
    if (pairs.length) {
      lines.push("What history costs fan-out: CPU per delivery with history on (the default) against the same topology with `HISTORY_SIZE=0`, same run, medians over each one's valid runs (over all when none was valid).", "");
      lines.push("| topology | payload | on (µs) | off (µs) | on / off | on vs floor | off vs floor |", "|---|---|---|---|---|---|---|");
      for (const [on, off] of pairs) {
        for (const size of sizes) {
          const a = targets[on].fanout[size];
          const b = targets[off].fanout[size];
          if (!a || !b) continue;
          const floorCpu = floorAt(on, size)?.summary.cpuUsPerDelivery.median;
          const mark = (entry) => (entry.valid ? "" : " (invalid runs)");
          lines.push(`| ${targets[on].label} | ${size} B | ${f(a.summary.cpuUsPerDelivery.median, 2)}${mark(a)} | ${f(b.summary.cpuUsPerDelivery.median, 2)}${mark(b)} | ${ratio(a.summary.cpuUsPerDelivery.median, b.summary.cpuUsPerDelivery.median)} | ${ratio(a.summary.cpuUsPerDelivery.median, floorCpu)} | ${ratio(b.summary.cpuUsPerDelivery.median, floorCpu)} |`);
        }
      }
      lines.push("");
    }
  }

  const climbTable = (title, key, unit, note) => {
    if (!names.some((n) => targets[n][key])) return;
    lines.push(title, "", note, "", `| server | knee (${unit}) | deliveries/s at knee | p50 / p99 at half the knee (ms) | p99 at knee (ms) | runs per step | stopped by |`, "|---|---|---|---|---|---|---|");
    const p99Of = (step) => withRange(step?.latency.p99, step?.spread?.p99, 2);
    for (const name of names) {
      const climb = targets[name][key];
      if (!climb) continue;
      const knee = climb.knee;
      lines.push(`| ${targets[name].label} | ${climb.kneeRate === null ? "below the lowest step" : `${climb.reached ? "" : "≥ "}${climb.kneeRate}`} | ${f(knee?.deliveriesPerSecond, 0)} | ${climb.halfKnee ? `${f(climb.halfKnee.latency.p50, 2)} / ${p99Of(climb.halfKnee)}` : "–"} | ${p99Of(knee)} | ${climb.repeats ?? 1} | ${climb.stoppedBy ?? "top step passed"} |`);
    }
    lines.push("");
  };
  const stepRuns = " Each step runs as often as the table says after one warm-up; the run with the median p99, invalid runs ranked worst (of two, the worse), stands for it, its p99 first and [min–max] over the valid runs beside it.";
  climbTable("## 3. Saturation", "saturation", "messages/s to the big room", `The big room at rising rates until p99 passes 250 ms or something is lost.${stepRuns}`);
  climbTable("## 4. Many small rooms through the API", "smallRooms", "publishes/s", `${results.config.smallRooms.rooms} rooms, publishes round-robin over them at rising fixed rates; latency from the POST's intended send time to the client.${stepRuns}`);

  const api = results.publishApi;
  if (api?.steps) {
    const intro = api.historyOff
      ? "publish-api (Redis path) pinned to the server core, with history on (the default, `HISTORY_SIZE=100`: each publish runs the append script) and off (`HISTORY_SIZE=0`: a plain PUBLISH), each with its own private Redis and a `redis-cli psubscribe` listener on the client core (it hears both the adapter's channels and the history feed)."
      : "publish-api (Redis path) pinned to the server core; its private Redis and a `redis-cli psubscribe` listener on the client core.";
    const floorNote = !api.floor ? "" : api.interleaved
      ? (api.floorHistory
        ? " The floors: the same publish as a bare `node:http` route (parse, hand Redis the message, answer 202) doing the same Redis work, a plain PUBLISH (against history off) or publish-api's own append script (against history on), none of publish-api's own work. The four climb together, each step's runs taking turns, so the machine's swings fall on all alike."
        : " The floor: the same publish as a bare `node:http` route (parse, one PUBLISH, answer 202), none of publish-api's own work. The three climb together, each step's runs taking turns, so the machine's swings fall on all alike.")
      : " The floor, climbed first the same way: the same publish as a bare `node:http` route (parse, one PUBLISH, answer 202), none of publish-api's own work.";
    lines.push("## 5. Publish API alone", "", `${intro}${floorNote} CPU / request is over every answer; Redis CPU / publish is the private Redis's CPU (\`/proc/<pid>\`, all threads) over the step, per accepted publish.`, "");
    lines.push("| server | offered/s | accepted/s | HTTP p50 (ms) | HTTP p99 (ms) | server CPU | CPU / request (µs) | vs floor | Redis CPU / publish (µs) | client core | validity |", "|---|---|---|---|---|---|---|---|---|---|---|");
    // Each publish-api row against the floor doing its Redis work: the append script's for history on, when the run has it.
    const floorOf = (run) => (run === api && api.floorHistory ? api.floorHistory : api.floor);
    const rowsOf = [
      ["floor (bare route, PUBLISH)", api.floor],
      ...(api.floorHistory ? [["floor (bare route, append script)", api.floorHistory]] : []),
      ...(api.historyOff ? [["publish-api, history off", api.historyOff]] : []),
      [api.historyOff ? "publish-api, history on" : "publish-api", api],
    ];
    if (api.batch?.steps) rowsOf.push([`publish-api, batches of ${api.batch.batchSize} (offered in messages/s)`, api.batch]);
    for (const [name, run] of rowsOf) {
      for (const s of run?.steps ?? []) {
        // A batch's CPU per request is per 100 messages: not comparable with the floor's.
        const base = run === api.floor || run === api.floorHistory ? s : run === api.batch ? undefined : floorOf(run)?.steps.find((step) => step.rate === s.rate);
        lines.push(`| ${name} | ${s.rate} | ${withRange(s.acceptedPerSecond, s.spread?.acceptedPerSecond, 0)} | ${f(s.httpLatency.p50, 2)} | ${f(s.httpLatency.p99, 2)} | ${f(s.serverCpuPct, 0)}% | ${f(s.serverCpuUsPerRequest, 0)} | ${ratio(s.serverCpuUsPerRequest, base?.serverCpuUsPerRequest)} | ${f(s.redisCpuUsPerAccepted)} | ${f(s.clientCpuPct, 0)}% | ${validity(s)} |`);
      }
    }
    const offMax = api.historyOff ? `, history off ${f(api.historyOff.maxAcceptedPerSecond, 0)}` : "";
    lines.push("", `Most publishes accepted per second with every one answered 202: publish-api${api.historyOff ? " with history" : ""} **${f(api.maxAcceptedPerSecond, 0)}**${offMax}${api.floor ? `, the floor ${f(api.floor.maxAcceptedPerSecond, 0)} (publish-api ${ratio(api.maxAcceptedPerSecond, api.floor.maxAcceptedPerSecond)} of it)` : ""}.`, "");
    if (api.batch?.steps) {
      lines.push(`Then the same publish-api and Redis with \`POST /v1/publish\` batches of ${api.batch.batchSize}: most messages accepted per second with every one answered 202 **${f(api.batch.maxAcceptedPerSecond, 0)}**, ${ratio(api.batch.maxAcceptedPerSecond, api.batch.singlesMaxAcceptedPerSecond)} single publishes' (target at least ${api.batch.target}×).`, "");
    }
    if (api.vsFloors?.rows.length) {
      lines.push("### publish-api against its floor", "", `Per accepted publish, median over each step's valid runs: publish-api's CPU against the bare route doing the same Redis work. The target (issue 16) is at most ${api.vsFloors.target}× at every rate for the default, history on, judged where both steps are valid and answered 202 to everything; history off is shown, not judged.`, "");
      lines.push("| publish-api | floor | offered/s | publish-api (µs) | floor (µs) | ratio | judged |", "|---|---|---|---|---|---|---|");
      for (const row of api.vsFloors.rows) {
        lines.push(`| ${row.label} | ${row.floorLabel} | ${row.rate} | ${f(row.apiCpuUs, 0)} | ${f(row.floorCpuUs, 0)} | ${row.ratio === null ? "–" : `${row.ratio.toFixed(2)}×`} | ${row.comparable ? "yes" : "no"} |`);
      }
      lines.push("");
    }
    if (api.history?.rows.length) {
      lines.push("### What history costs a publish", "", `Per accepted publish, median over each step's valid runs [min–max]: publish-api's CPU and its Redis's CPU, history on against off. A rate is compared when both steps are valid and answered 202 to everything; the target is at most ${api.history.target}× for publish-api.`, "");
      lines.push("| offered/s | publish-api, on (µs) | off (µs) | on / off | Redis, on (µs) | off (µs) | on / off | compared |", "|---|---|---|---|---|---|---|---|");
      const stepOf = (run, rate) => run.steps.find((s) => s.rate === rate);
      for (const row of api.history.rows) {
        const on = stepOf(api, row.rate);
        const off = stepOf(api.historyOff, row.rate);
        lines.push(`| ${row.rate} | ${spread(on?.spread?.serverCpuUsPerAccepted, 0)} | ${spread(off?.spread?.serverCpuUsPerAccepted, 0)} | ${row.apiRatio === null ? "–" : `${row.apiRatio.toFixed(2)}×`} | ${spread(on?.spread?.redisCpuUsPerAccepted)} | ${spread(off?.spread?.redisCpuUsPerAccepted)} | ${row.redisRatio === null ? "–" : `${row.redisRatio.toFixed(2)}×`} | ${row.comparable ? "yes" : "no"} |`);
      }
      lines.push("");
    }
  } else if (api?.error) lines.push("## 5. Publish API alone", "", `failed: ${api.error.split("\n")[0]}`, "");

  const queue = results.queuePath;
  if (queue?.steps) {
    lines.push("## 6. Queue path", "", `POST /v1/notifications → BullMQ → worker → a socket server on the Redis adapter → ${queue.connections} clients; the three processes share the server core, Redis is on the client core.${queue.baseline ? " The baseline, climbed first the same way: stock BullMQ in and out (a bare enqueue route, a bare worker emitting through @socket.io/redis-emitter, concurrency 50 like the worker's) feeding stock Socket.IO on the Redis adapter." : ""} Each stage's p50 / p99 in ms from the POST's intended send time (BullMQ stamps in whole ms). CPU per job by process: producer / worker / socket server.`, "");
    lines.push("| topology | jobs/s offered | accepted | enqueued | picked up | emitted | received | CPU / job (µs) | vs baseline | by process | validity |", "|---|---|---|---|---|---|---|---|---|---|---|");
    const st = (x) => (x ? `${f(x.p50, 1)} / ${f(x.p99, 1)}` : "–");
    const baseAt = (rate) => queue.baseline?.steps.find((s) => s.rate === rate);
    for (const [name, run] of [["baseline", queue.baseline], ["socket-server", queue]]) {
      for (const s of run?.steps ?? []) {
        const base = run === queue ? baseAt(s.rate) : s;
        lines.push(`| ${name} | ${s.rate} | ${st(s.stages?.accepted)} | ${st(s.stages?.enqueued)} | ${st(s.stages?.pickedUp)} | ${st(s.stages?.emitted)} | ${st(s.stages?.received)}${s.spread?.p99.n > 1 ? ` (p99 ${f(s.spread.p99.min, 1)}–${f(s.spread.p99.max, 1)} over ${s.spread.p99.n} runs)` : ""} | ${f(s.serverCpuUsPerPublish, 0)} | ${ratio(s.serverCpuUsPerPublish, base?.serverCpuUsPerPublish)} | ${s.serverCpuUsPerPublishByProcess?.map((us) => f(us, 0)).join(" / ") ?? "–"} | ${validity(s)} |`);
      }
    }
    const knee = (run) => (run.kneeRate === null ? "below the lowest step" : `${run.reached ? "" : "≥ "}${run.kneeRate} jobs/s`) + (run.stoppedBy ? ` (stopped by ${run.stoppedBy})` : "");
    lines.push("", `Knee: socket-server ${knee(queue)}${queue.baseline ? `; baseline ${knee(queue.baseline)}` : ""}.`, "");
  } else if (queue?.error) lines.push("## 6. Queue path", "", `failed: ${queue.error.split("\n")[0]}`, "");

  lines.push(...renderCluster(results.cluster));

  const recovery = results.recovery;
  if (recovery?.runs) {
    const c = recovery.config;
    lines.push("## 7. Recovery after a gateway kill", "", `Two gateways in Redis mode and publish-api on the server core, a private Redis on the client core. ${c.clients} plain socket.io-clients (${c.processes} processes on the client core, from 127.0.0.2 and up) subscribe to two rooms each, of ${c.rooms}, on gateway A, while publish-api takes ${c.rate} publishes/s round-robin over the rooms. Gateway A is SIGKILLed; every client at once (no backoff) connects to gateway B and subscribes with \`{ rooms, since }\`, its rooms' last positions. Time: from the kill to each client's ack with \`recovered: true\` for both rooms (the replay arrives before it). Missed and duplicated: every delivery checked against the client's last offset of the room, up to each room's final offset. Redis commands per recovery: \`INFO commandstats\` from the kill until all were recovered, less the publish path's commands (the append script's) and the background rate measured before the kill, per recovered client.`, "");
    lines.push("| run | recovered | all recovered after (ms) | kill → recovered ack p50 / p99 / max (ms) | kill → disconnect noticed, p50 / max (ms) | kill → connected to B, p50 / max (ms) | subscribe with since → ack, p50 / p99 (ms) | missed | duplicated | Redis commands / recovery | recovery commands | Redis CPU / recovery (µs) | gateway B CPU / recovery (µs) | client core, loop delay p99 | validity |", "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|");
    recovery.runs.forEach((run, i) => {
      const t = run.timeToRecoveredMs;
      const commands = Object.entries(run.redis.recoveryCommands).map(([name, calls]) => `${name} ${calls}`).join(", ") || "none";
      const d = run.timeToDisconnectNoticedMs;
      const c2 = run.timeToReconnectedMs ?? {};
      const sub = run.subscribeWithSinceMs ?? {};
      lines.push(`| ${i + 1} | ${run.recovered} / ${run.clients} | ${f(run.allRecoveredMs, 0)} | ${f(t.p50, 0)} / ${f(t.p99, 0)} / ${f(t.max, 0)} | ${f(d.p50, 0)} / ${f(d.max, 0)} | ${f(c2.p50, 0)} / ${f(c2.max, 0)} | ${f(sub.p50, 0)} / ${f(sub.p99, 0)} | ${run.missed} | ${run.duplicates} | ${f(run.redis.commandsPerRecovery, 2)} | ${commands} | ${f(run.redis.cpuUsPerRecovery, 0)} | ${f(run.gatewayBCpuUsPerRecovery, 0)} | ${f(run.clientCorePct, 0)}%, ${f(run.clientLoopDelayP99Ms, 0)} ms${run.clientBound ? " (client-bound)" : ""} | ${validity(run)} |`);
    });
    if (recovery.runs.some((run) => run.clientBound)) {
      lines.push("", `Client-bound: over the recovery the client core was over 80% busy or a client process's event-loop delay p99 passed 20 ms (${c.clients} socket.io-client handshakes at once, on one core shared with Redis and the publisher), so part of each time is the clients' own: the times are upper bounds on the server's.`);
    }
    lines.push("");
  } else if (recovery?.error) lines.push("## 7. Recovery after a gateway kill", "", `failed: ${recovery.error.split("\n")[0]}`, "");

  lines.push(...renderTargets(results));
  return `${lines.join("\n")}\n`;
}

/** The issue's targets, each against this run's figures. */
function renderTargets({ targets, publishApi, queuePath, recovery }) {
  const rows = [];
  const gw = targets.gateway;
  if (gw?.idle) {
    // Settled when the run has it (results from before it was measured have only the after-ramp figure).
    const settled = gw.idle.settledRssBytesPerConnection ?? null;
    const judged = settled ?? gw.idle.rssBytesPerConnection;
    const shown = settled === null ? `${kb(judged)} KB after the ramp` : `${kb(settled)} KB settled (${kb(gw.idle.rssBytesPerConnection)} KB after the ramp)`;
    rows.push(["RSS per idle connection ≤ 10 KB", `${shown}${gw.idle.valid ? "" : " (from an invalid run)"}`, gw.idle.valid ? judged <= 10 * 1024 : null]);
  }
  for (const size of Object.keys(gw?.fanout ?? {})) {
    const mine = gw.fanout[size].summary.cpuUsPerDelivery.median;
    const floor = targets.floor?.fanout?.[size]?.summary.cpuUsPerDelivery.median;
    const trusted = gw.fanout[size].valid && targets.floor?.fanout?.[size]?.valid;
    if (mine && floor) {
      rows.push([`fan-out ${size} B: CPU per delivery ≤ 1.5× floor`, `${(mine / floor).toFixed(2)}×${trusted ? "" : " (from invalid runs)"}`, trusted ? mine / floor <= 1.5 : null]);
      // Issue 13: with history (the single instance delivers through its memory history), no
      // worse than before it: 1.28× at 100 B in results/2026-12-01T18-31-08.md.
      rows.push([`issue 13: fan-out ${size} B with history ≤ 1.28× floor (before history: 1.28× at 100 B)`, `${(mine / floor).toFixed(2)}×${trusted ? "" : " (from invalid runs)"}`, trusted ? Number((mine / floor).toFixed(2)) <= 1.28 : null]);
    }
  }
  // Issue 16: the gateway's Redis topology against the floor fed through the same Redis hop, at
  // fan-out's modest rate, so only what the gateway adds to the hop is judged.
  const gwRedis = targets["gateway-redis"]?.fanout;
  const floorRedis = targets["floor-redis"]?.fanout;
  for (const size of new Set([...Object.keys(gwRedis ?? {}), ...Object.keys(floorRedis ?? {})])) {
    for (const percentile of ["p50", "p99"]) {
      const mine = gwRedis?.[size]?.summary[percentile]?.median;
      const floor = floorRedis?.[size]?.summary[percentile]?.median;
      const label = `issue 16: big room through Redis, ${percentile} ≤ 1.2× the floor through Redis (${size} B)`;
      if (!(mine > 0 && floor > 0)) {
        const absent = !gwRedis?.[size] ? "gateway-redis" : !floorRedis?.[size] ? "floor-redis" : null;
        rows.push([label, absent ? `${absent} not in this run` : `no ${percentile} figure`, null]);
        continue;
      }
      const trusted = gwRedis[size].valid && floorRedis[size].valid;
      const times = Number((mine / floor).toFixed(2));
      rows.push([label, `${times.toFixed(2)}× (${f(mine, 2)} ms against ${f(floor, 2)} ms)${trusted ? "" : " (from invalid runs)"}`, trusted ? times <= 1.2 : null]);
    }
  }
  if (gw?.smallRooms) {
    const half = gw.smallRooms.halfKnee;
    rows.push(["small rooms: p99 ≤ 10 ms at half the knee", half ? `${f(half.latency.p99, 2)} ms at ${half.rate}/s` : "no valid step at half the knee", !!half && half.latency.p99 <= 10]);
  }
  // Issue 16: small rooms through the API against stock Socket.IO, in each topology.
  for (const [mine, stock, where] of [["gateway", "stock", "single instance"], ["gateway-redis", "stock-redis", "Redis topology"]]) {
    const rows16 = climbAgainst(targets[mine]?.smallRooms, targets[stock]?.smallRooms, `small rooms (${where})`, "stock Socket.IO");
    rows.push(...rows16);
  }
  if (publishApi?.steps) {
    const floor = publishApi.floor?.maxAcceptedPerSecond;
    rows.push(["publish API ≥ 15,000 accepted/s on one core", `${f(publishApi.maxAcceptedPerSecond, 0)}/s${floor ? ` (the bare route's floor: ${f(floor, 0)}/s)` : ""}`, publishApi.maxAcceptedPerSecond >= 15_000]);
    const history = publishApi.history;
    if (history?.rows.length) {
      const compared = history.rows.filter((row) => row.comparable && row.apiRatio !== null);
      const shown = compared.length ? compared.map((row) => `${row.apiRatio.toFixed(2)}× at ${row.rate}/s`).join(", ") : "no rate comparable";
      rows.push([`issue 13: publish-api CPU per publish, history on ≤ ${history.target}× off`, shown, history.met]);
    }
    const vsFloors = publishApi.vsFloors;
    if (vsFloors?.rows.length) {
      const judged = vsFloors.rows.filter((row) => row.comparable && row.ratio !== null);
      const worst = vsFloors.worstComparable;
      const shown = worst ? `worst ${worst.ratio.toFixed(2)}× (${worst.label} at ${worst.rate}/s), over ${judged.length} judged rates` : "no rate judged";
      rows.push([`issue 16: publish-api CPU per accepted publish ≤ ${vsFloors.target}× the bare route doing the same Redis work, at every rate`, shown, vsFloors.met]);
    }
    const batch = publishApi.batch;
    if (batch?.steps) {
      rows.push([`batches: accepted messages/s ≥ ${batch.target}× single publishes'`, `${batch.ratio === null ? "–" : `${batch.ratio.toFixed(2)}×`} (${f(batch.maxAcceptedPerSecond, 0)}/s against ${f(batch.singlesMaxAcceptedPerSecond, 0)}/s)`, batch.met]);
    }
  }
  if (queuePath?.steps) {
    rows.push(["queue path ≥ 5,000 jobs/s at the knee", `${kneeLabel(queuePath)}${queuePath.baseline ? ` (stock BullMQ baseline: ${kneeLabel(queuePath.baseline)})` : ""}`, (queuePath.kneeRate ?? 0) >= 5_000]);
    const half = queuePath.halfKnee;
    rows.push(["queue path p99 ≤ 20 ms at half the knee (from intended send, so including HTTP)", half ? `${f(half.latency.p99, 1)} ms at ${half.rate}/s` : "–", !!half && half.latency.p99 <= 20]);
  }
  if (queuePath?.steps && queuePath.baseline) rows.push(...climbAgainst(queuePath, queuePath.baseline, "queue path", "the stock BullMQ baseline"));
  for (const [i, run] of (recovery?.runs ?? []).entries()) {
    const name = recovery.runs.length > 1 ? ` (run ${i + 1})` : "";
    rows.push([`issue 13: after a gateway kill, every client recovered, 0 missed, 0 duplicated${name}`, `${run.recovered} / ${run.clients} recovered, ${run.missed} missed, ${run.duplicates} duplicated; all in ${f(run.allRecoveredMs, 0)} ms, ${f(run.redis.commandsPerRecovery, 2)} Redis commands per recovery`, run.recovered === run.clients && run.missed === 0 && run.duplicates === 0]);
  }
  if (!rows.length) return [];
  return ["## Targets (issues 5, 13 and 16)", "", "| target | this run | met |", "|---|---|---|", ...rows.map(([t, v, ok]) => `| ${t} | ${v} | ${ok === null ? "not judged" : ok ? "yes" : "**no**"} |`), ""];
}
