import { createServer } from "node:http";
import { WebSocketServer, Sender } from "ws";
import { createPublishRoute } from "./publish-route.mjs";

/**
 * The floor: a raw `ws` server that speaks just enough Engine.IO v4 / Socket.IO v5 for the same
 * load clients (open packet, namespace connect, subscribe with ack, pings) and broadcasts the
 * way nothing can beat in Node: the WebSocket frame is built once and written to every socket.
 * Liveness is one sweep timer for all sockets, not a timer per socket. Broadcasts come from its
 * own publish route, or with VARIANT=floor-feed from Redis (below).
 */
const PING_INTERVAL_MS = 25_000;
const rooms = new Map();
let nextSid = 0;

function broadcast(room, event, data, meta) {
  const members = rooms.get(room);
  if (!members) return;
  const [header, payload] = Sender.frame(Buffer.from(`42${JSON.stringify([event, data, meta])}`), {
    fin: true,
    opcode: 1,
    mask: false,
    readOnly: true,
    rsv1: false,
  });
  // Header and payload joined once, so each socket takes one plain write: ws's own two-part
  // frame costs a cork, an uncork and a writev per socket (the gateway writes the same way).
  const frame = [Buffer.concat([header, payload])];
  for (const ws of members) ws._sender.sendFrame(frame);
}

const httpServer = createServer(createPublishRoute(broadcast));
const wss = new WebSocketServer({ server: httpServer, path: "/socket.io/", perMessageDeflate: false });

wss.on("connection", (ws) => {
  const sid = `f${(nextSid++).toString(36)}`;
  const joined = [];
  ws.send(`0${JSON.stringify({ sid, upgrades: [], pingInterval: PING_INTERVAL_MS, pingTimeout: 20_000, maxPayload: 1e6 })}`);
  ws.on("message", (buf) => {
    if (buf[0] !== 0x34) return; // pongs ("3") need no answer
    if (buf[1] === 0x30) return ws.send(`40${JSON.stringify({ sid })}`);
    if (buf[1] !== 0x32) return;
    // 42["subscribe",rooms] or 42<ackId>["subscribe",rooms]
    const text = buf.toString();
    const open = text.indexOf("[");
    const ackId = text.slice(2, open);
    const [event, list] = JSON.parse(text.slice(open));
    if (event !== "subscribe") return;
    for (const room of [list].flat()) {
      if (!rooms.has(room)) rooms.set(room, new Set());
      rooms.get(room).add(ws);
      joined.push(room);
    }
    if (ackId) ws.send(`43${ackId}${JSON.stringify([{ ok: true, rooms: [list].flat() }])}`);
  });
  ws.on("close", () => {
    for (const room of joined) rooms.get(room)?.delete(ws);
  });
});

setInterval(() => {
  for (const ws of wss.clients) ws.send("2");
}, PING_INTERVAL_MS);

// VARIANT=floor-feed (the floor-redis target): the broadcasts come through Redis instead, each
// published whole by the bare publish route (publish-route-floor.mjs, same variant) on one
// channel, so the Redis topologies have a floor with the same hop in it. The HTTP server listens
// only once subscribed: when /health answers, no publish can go unheard. ioredis is imported
// here alone, so the plain floor loads nothing it did not load before.
if (process.env.VARIANT === "floor-feed") {
  const { Redis } = await import("ioredis");
  const subscriber = new Redis(process.env.REDIS_URL);
  subscriber.on("message", (channel, message) => {
    const { room, event, data, meta } = JSON.parse(message);
    broadcast(room, event, data, meta);
  });
  await subscriber.subscribe(`${process.env.REDIS_PREFIX ?? "bench"}:floor-feed`);
}

httpServer.listen(Number(process.env.PORT), process.env.HOST ?? "127.0.0.1");
process.on("SIGTERM", () => process.exit(0));
