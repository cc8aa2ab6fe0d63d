/**
 * Command line and the two modes. Quick keeps every scenario short enough for a dev loop on a
 * shared machine; full repeats more and climbs further. Counts and durations are all bounded.
 */
const MODES = {
  quick: {
    connections: 10_000,
    // 4 × 2,500 sockets: far under the 20,000 fds a process may hold, and shorter event-loop
    // turns per process during a 10,000-delivery burst than 2 × 5,000 gave.
    clientProcs: 4,
    cohort: 20,
    fanout: { sizes: [100, 1024], intervalMs: 500, warmupMessages: 4, repeats: 3, extraAttempts: 4, messages: 8 },
    idleWindowMs: 25_000, // one Engine.IO pingInterval, so every socket is pinged once in the window
    settleMs: 10_000, // after the ramp, before the idle window: V8 gives back the ramp's memory
    // Rate steps run twice each (the worse of the two stands for the step), fan-out runs three times.
    // batchRates: messages/s in POST /v1/publish batches of 100, on the history-on publish-api after its climb.
    publishApi: { rates: [1_000, 2_000, 4_000, 6_000, 8_000, 10_000, 12_000, 15_000], stepMs: 3_000, repeats: 2, batchRates: [10_000, 20_000, 30_000, 40_000, 50_000, 60_000] },
    smallRooms: { rooms: 1_000, rates: [500, 1_000, 2_000, 4_000], stepMs: 3_000, repeats: 2 },
    saturation: { rates: [4, 8, 16], stepMs: 4_000, repeats: 2 },
    queue: { connections: 2_000, rates: [250, 500, 1_000, 2_000], stepMs: 3_000, repeats: 2 },
    // 1,000 socket.io-clients, two rooms each over 100 rooms, 100 publishes/s; one gateway kill.
    recovery: { clients: 1_000, rooms: 100, rate: 100, processes: 4, warmMs: 4_000, afterMs: 2_000, timeoutMs: 30_000, repeats: 1 },
    // Scenario 8: 1,000 one-client rooms over 2 gateways, one offered rate per topology (four of
    // them), then 8 passive subscribers on the single Redis; about 2.5 minutes.
    cluster: { rooms: 1_000, rate: 2_000, warmMs: 3_000, stepMs: 8_000, extraSubscribers: 8 },
    scenarios: ["fanout", "idle", "publish-api", "small-rooms", "recovery", "cluster"],
  },
  full: {
    connections: 10_000,
    clientProcs: 4,
    cohort: 50,
    fanout: { sizes: [100, 1024], intervalMs: 500, warmupMessages: 10, repeats: 5, extraAttempts: 5, messages: 40 },
    idleWindowMs: 25_000,
    settleMs: 10_000,
    publishApi: { rates: [2_000, 5_000, 10_000, 15_000, 20_000, 25_000, 30_000], stepMs: 8_000, repeats: 3, batchRates: [10_000, 20_000, 30_000, 40_000, 50_000, 60_000, 80_000] },
    smallRooms: { rooms: 1_000, rates: [500, 1_000, 2_000, 4_000, 6_000, 8_000, 12_000], stepMs: 8_000, repeats: 3 },
    saturation: { rates: [4, 8, 12, 16, 24, 32], stepMs: 8_000, repeats: 3 },
    queue: { connections: 2_000, rates: [250, 500, 1_000, 2_000, 3_000, 5_000, 7_000], stepMs: 8_000, repeats: 3 },
    recovery: { clients: 1_000, rooms: 100, rate: 100, processes: 4, warmMs: 4_000, afterMs: 2_000, timeoutMs: 30_000, repeats: 3 },
    cluster: { rooms: 1_000, rate: 2_000, warmMs: 5_000, stepMs: 20_000, extraSubscribers: 8 },
    scenarios: ["fanout", "idle", "publish-api", "small-rooms", "saturation", "queue", "recovery", "cluster"],
  },
};

export function parseArgs(argv) {
  const flags = new Map();
  for (const arg of argv) {
    const [key, value] = arg.replace(/^--/, "").split("=");
    flags.set(key, value ?? true);
  }
  const mode = flags.has("full") ? "full" : "quick";
  const config = structuredClone(MODES[mode]);
  if (flags.has("scenarios")) config.scenarios = String(flags.get("scenarios")).split(",");
  if (flags.has("connections")) config.connections = Number(flags.get("connections"));
  if (flags.has("client-procs")) config.clientProcs = Number(flags.get("client-procs"));
  config.targets = flags.has("targets") ? String(flags.get("targets")).split(",") : ["floor", "stock", "gateway", "floor-redis", "stock-redis", "gateway-redis"];
  config.mode = mode;
  if (flags.has("profile")) process.env.BENCH_CPU_PROF_DIR = flags.get("profile") === true ? "bench/profiles" : String(flags.get("profile"));
  // Nothing may run unbounded: the whole run is killed past this deadline.
  config.deadlineMs = Number(flags.get("deadline-s") ?? (mode === "full" ? 3600 : 1500)) * 1000;
  return config;
}
