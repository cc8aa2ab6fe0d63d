import { monitorEventLoopDelay } from "node:perf_hooks";
import { io } from "socket.io-client";
import { nowMs } from "./clock.mjs";
import { BENCH_EVENT } from "./payload.mjs";
import { serveCommands } from "./serve-commands.mjs";

/**
 * A load-client process of the recovery scenario (forked by scenarios/recovery.mjs, pinned to
 * the client core): plain socket.io-client sockets, each subscribed to its rooms on gateway A,
 * keeping each room's last position (`meta.offset`, `meta.epoch`) and checking every delivery
 * against it (the next offset of the same epoch, or it counts as missed or duplicated). When A
 * goes away, each socket at once opens a new one to gateway B and subscribes with
 * `{ rooms, since }`; replayed messages arrive before the ack, which says `recovered` per room.
 * No backoff: the herd is the case measured.
 */
const clients = [];
let urlB = "";
let armed = false;
const loopDelay = monitorEventLoopDelay({ resolution: 10 });
loopDelay.enable();

function createClient({ index, rooms, localAddress }) {
  const client = {
    index,
    rooms,
    localAddress,
    positions: Object.fromEntries(rooms.map((room) => [room, { offset: 0, epoch: "" }])),
    received: 0,
    missed: 0,
    duplicates: 0,
    epochChanges: 0,
    wrongRoom: 0,
    socket: null,
    disconnectedAt: null,
    reconnectedAt: null,
    recoveredAt: null,
    recovered: null,
    notRecoveredRooms: [],
    attempts: 0,
    refusals: [],
    unexpectedDisconnects: 0,
  };
  return client;
}

function onDelivery(client, event, data, meta) {
  if (event !== BENCH_EVENT) return;
  const last = client.positions[meta?.room];
  if (!last) {
    client.wrongRoom++;
    return;
  }
  client.received++;
  const fresh = last.epoch === "" && last.offset === 0;
  if (meta.epoch !== last.epoch && !fresh) {
    // Another epoch: offsets start again, nothing can be compared across it.
    client.epochChanges++;
  } else if (meta.offset <= last.offset) {
    client.duplicates++;
    return;
  } else if (meta.offset > last.offset + 1) {
    client.missed += meta.offset - last.offset - 1;
  }
  client.positions[meta.room] = { offset: meta.offset, epoch: meta.epoch };
}

/** Opens a socket to `url` and subscribes; `since` with positions when recovering. */
function open(client, url, { recovering }) {
  client.attempts++;
  const socket = io(url, { transports: ["websocket"], reconnection: false, forceNew: true, localAddress: client.localAddress, timeout: 15_000 });
  client.socket = socket;
  return new Promise((resolve) => {
    let settled = false;
    const retry = (why) => {
      if (client.refusals.length < 3) client.refusals.push(why);
      socket.removeAllListeners();
      socket.close();
      if (!settled) {
        settled = true;
        setTimeout(() => open(client, url, { recovering }).then(resolve), 100);
      }
    };
    socket.onAny((event, data, meta) => onDelivery(client, event, data, meta));
    socket.on("connect", () => {
      if (recovering) client.reconnectedAt ??= nowMs();
      const request = recovering ? { rooms: client.rooms, since: structuredClone(client.positions) } : client.rooms;
      socket.emit("subscribe", request, (ack) => {
        if (!ack?.ok) return retry(`subscribe refused: ${JSON.stringify(ack).slice(0, 200)}`);
        if (recovering) {
          client.recoveredAt = nowMs();
          client.notRecoveredRooms = client.rooms.filter((room) => ack.recovered?.[room] !== true);
          client.recovered = client.notRecoveredRooms.length === 0;
          client.ackPositionsBehind = client.rooms.filter((room) => ack.positions?.[room]?.offset > client.positions[room].offset).length;
        } else {
          for (const room of client.rooms) if (ack.positions?.[room]) client.positions[room] = { ...ack.positions[room] };
        }
        settled = true;
        resolve();
      });
    });
    socket.on("connect_error", (error) => retry(`connect_error: ${error.message}`));
    socket.on("disconnect", (reason) => {
      if (reason === "io client disconnect") return;
      if (!settled) return retry(`disconnect before the ack: ${reason}`);
      if (recovering || !armed) {
        client.unexpectedDisconnects++;
        return;
      }
      client.disconnectedAt = nowMs();
      socket.removeAllListeners();
      void open(client, urlB, { recovering: true });
    });
  });
}

async function connect({ urlA, urlB: b, firstIndex, count, roomsOf, addresses, concurrency = 50 }) {
  urlB = b;
  const started = nowMs();
  for (let i = 0; i < count; i++) {
    const index = firstIndex + i;
    clients.push(createClient({ index, rooms: roomsOf[i], localAddress: `127.0.0.${2 + (index % addresses)}` }));
  }
  let next = 0;
  const lanes = Array.from({ length: Math.min(concurrency, count) }, async () => {
    while (next < count) await open(clients[next++], urlA, { recovering: false });
  });
  await Promise.all(lanes);
  return { connected: clients.length, rampMs: nowMs() - started, retries: clients.reduce((sum, c) => sum + c.attempts - 1, 0) };
}

function counts() {
  return {
    recovered: clients.filter((c) => c.recoveredAt !== null).length,
    disconnected: clients.filter((c) => c.disconnectedAt !== null).length,
    received: clients.reduce((sum, c) => sum + c.received, 0),
    // Since the kill (armed), while clients reconnect.
    loopDelayP99Ms: loopDelay.percentile(99) / 1e6,
  };
}

/** Per client, once publishing is over: `finals` is each room's latest offset, read from Redis. */
function collect({ finals }) {
  return {
    clients: clients.map((c) => {
      // What never arrived at the end: the room's latest offset beyond the client's last one.
      const tail = c.rooms.reduce((sum, room) => sum + Math.max(0, (finals[room] ?? 0) - c.positions[room].offset), 0);
      return {
        index: c.index,
        received: c.received,
        missed: c.missed + tail,
        duplicates: c.duplicates,
        epochChanges: c.epochChanges,
        wrongRoom: c.wrongRoom,
        disconnectedAt: c.disconnectedAt,
        reconnectedAt: c.reconnectedAt,
        recoveredAt: c.recoveredAt,
        recovered: c.recovered,
        notRecoveredRooms: c.notRecoveredRooms,
        attempts: c.attempts,
        refusals: c.refusals,
        unexpectedDisconnects: c.unexpectedDisconnects,
      };
    }),
  };
}

const commands = {
  connect,
  arm: () => {
    armed = true;
    loopDelay.reset();
    return {};
  },
  counts,
  collect,
  close: () => {
    for (const client of clients) client.socket?.close();
    setTimeout(() => process.exit(0), 200);
    return {};
  },
};

serveCommands(commands);
