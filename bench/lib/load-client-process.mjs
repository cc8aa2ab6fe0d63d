import { monitorEventLoopDelay } from "node:perf_hooks";
import { nowMs } from "./clock.mjs";
import { openEioConnection } from "./eio-connection.mjs";
import { createHistogram, encodeHistogram } from "./histogram.mjs";
import { readStamp, stamp } from "./payload.mjs";
import { openSioConnection } from "./sio-cohort-connection.mjs";
import { serveCommands } from "./serve-commands.mjs";

/**
 * A load-client process (forked by client-fleet.mjs, pinned to the client core). It holds a
 * share of the connections and answers the orchestrator's commands over IPC. Counters belong
 * to the current phase: a frame stamped with another phase (a late warm-up message) is stale.
 */
const state = {
  connections: [],
  lastSeq: new Float64Array(0),
  phase: -1,
  size: 0,
  received: 0,
  duplicates: 0,
  stale: 0,
  disconnects: 0,
  latency: createHistogram(),
  cohort: { received: 0, bad: 0, samples: [] },
  cpuAtReset: process.cpuUsage(),
};
const loopDelay = monitorEventLoopDelay({ resolution: 10 });
loopDelay.enable();

function record(index, now) {
  if (stamp.k !== state.phase) {
    state.stale++;
    return;
  }
  if (stamp.s <= state.lastSeq[index]) state.duplicates++;
  else state.lastSeq[index] = stamp.s;
  state.received++;
  state.latency.recordValue(Math.max(1, Math.round((now - stamp.t) * 1000)));
}

function onLeanEvent(index, buf, start) {
  const now = nowMs();
  if (readStamp(buf, start)) record(index, now);
}

/** The cohort goes through the same counters, plus checks on what socket.io-client decoded. */
function onCohortMessage(index, rooms, data, meta) {
  const now = nowMs();
  const problems = [];
  if (typeof data?.t !== "number" || typeof data?.s !== "number" || typeof data?.k !== "number") problems.push("data stamp");
  if (data?.k === state.phase && JSON.stringify(data).length !== state.size) problems.push(`data size ${JSON.stringify(data).length} != ${state.size}`);
  if (typeof meta?.id !== "string" || typeof meta?.ts !== "number" || !rooms.includes(meta?.room)) problems.push("meta");
  if (problems.length) {
    state.cohort.bad++;
    if (state.cohort.samples.length < 3) state.cohort.samples.push(problems.join(", "));
  }
  if (data?.k === state.phase) state.cohort.received++;
  Object.assign(stamp, { t: data?.t, s: data?.s, k: data?.k });
  record(index, now);
}

async function connect({ wsUrl, httpUrl, firstIndex, count, cohort, smallRooms, addresses, concurrency }) {
  state.lastSeq = new Float64Array(count).fill(-1);
  const connectTimes = createHistogram();
  const errors = [];
  let next = 0;
  const started = nowMs();

  const connectOne = (local) =>
    new Promise((resolve) => {
      const index = firstIndex + local;
      const rooms = ["all", `r${index % smallRooms}`];
      const localAddress = `127.0.0.${1 + (index % addresses)}`;
      const t0 = nowMs();
      const handlers = {
        rooms,
        localAddress,
        onReady: () => {
          connectTimes.recordValue(Math.max(1, Math.round((nowMs() - t0) * 1000)));
          resolve();
        },
        onFailed: (error) => {
          if (errors.length < 5) errors.push(error.message);
          errors.count = (errors.count ?? 0) + 1;
          resolve();
        },
        onClosed: () => state.disconnects++,
      };
      state.connections[local] =
        local < cohort
          ? openSioConnection({ ...handlers, httpUrl, onMessage: (data, meta) => onCohortMessage(local, rooms, data, meta) })
          : openEioConnection({ ...handlers, url: wsUrl, onEvent: (buf, start) => onLeanEvent(local, buf, start) });
    });

  // A bounded number of handshakes in flight: a ramp, not a thundering herd.
  const lanes = Array.from({ length: Math.min(concurrency, count) }, async () => {
    while (next < count) await connectOne(next++);
  });
  await Promise.all(lanes);
  return {
    connected: count - (errors.count ?? 0),
    errors: errors.count ?? 0,
    errorSamples: errors,
    rampMs: nowMs() - started,
    connectTimes: encodeHistogram(connectTimes),
  };
}

function reset({ phase, size }) {
  Object.assign(state, { phase, size, received: 0, duplicates: 0, stale: 0, latency: createHistogram() });
  state.lastSeq.fill(-1);
  state.cohort = { received: 0, bad: 0, samples: [] };
  state.cpuAtReset = process.cpuUsage();
  loopDelay.reset();
  return {};
}

function collect() {
  const cpu = process.cpuUsage(state.cpuAtReset);
  return {
    received: state.received,
    duplicates: state.duplicates,
    stale: state.stale,
    disconnects: state.disconnects,
    latency: encodeHistogram(state.latency),
    cpuMicros: cpu.user + cpu.system,
    loopDelayP99Ms: loopDelay.percentile(99) / 1e6,
    loopDelayMaxMs: loopDelay.max / 1e6,
    cohort: state.cohort,
  };
}

const commands = {
  connect,
  reset,
  collect,
  counts: () => ({ received: state.received, disconnects: state.disconnects }),
  close: () => {
    for (const connection of state.connections) connection?.close();
    setTimeout(() => process.exit(0), 200);
    return {};
  },
};

serveCommands(commands);
