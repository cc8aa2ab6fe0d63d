import { randomBytes, randomUUID } from "node:crypto";
import { createServer } from "node:http";
import { serve } from "@hono/node-server";
import { APPEND_SCRIPT, historyFeedChannel, historyKeys, positionTtlSeconds } from "@socket-server/shared/history";
import { Hono } from "hono";
import { Redis } from "ioredis";

/**
 * What `POST /v1/publish` costs with nothing of socket-server's own work: parse the body, hand
 * Redis one message, answer 202 with an id. VARIANT=node is bare node:http doing a plain
 * PUBLISH (publish-api's Redis work with `HISTORY_SIZE=0`); VARIANT=history the same route
 * running publish-api's own append script once per request with the arguments publish-api gives
 * it at the default settings (publish-api's Redis work with history on); VARIANT=hono the plain
 * PUBLISH in Hono on @hono/node-server. No auth, validation, rate limit, metrics or encoding:
 * the distance from here to publish-api is what those cost.
 */
const redis = new Redis(process.env.REDIS_URL);
const prefix = process.env.REDIS_PREFIX ?? "bench";
const publishPlain = async (body) => {
  const id = randomUUID();
  await redis.publish(`${prefix}#/#${body.room}#`, JSON.stringify([body.event, body.data, { id }]));
  return { id, rooms: [body.room] };
};

// VARIANT=floor-feed (the floor-redis target): the same plain PUBLISH, of the whole broadcast
// the floor's own publish route would make (room, event, data, meta with id, room and ts), on
// the one channel floor-ws-server.mjs takes its broadcasts from with the same variant. The
// stamp is taken here, at the publish, as publish-api takes it.
const publishToFloor = async (body) => {
  const id = randomUUID();
  const meta = { id, room: body.room, ts: Date.now() };
  await redis.publish(`${prefix}:floor-feed`, JSON.stringify({ room: body.room, event: body.event, data: body.data, meta }));
  return { id, rooms: [body.room] };
};

// publish-api's defaults: 100 kept, 300 s TTL, the position's TTL from it, 300 s idempotency.
const DEFAULTS = { size: 100, ttlSeconds: 300, idempotencyTtlSeconds: 300 };
const HISTORY_ARGS = [String(DEFAULTS.size), String(DEFAULTS.ttlSeconds), String(positionTtlSeconds(DEFAULTS))];
redis.defineCommand("appendFloor", { lua: APPEND_SCRIPT });
const publishStored = async (body) => {
  const id = randomUUID();
  const keys = historyKeys(prefix, body.room);
  const entry = JSON.stringify({ id, event: body.event, data: body.data, ts: Date.now() });
  const epoch = randomBytes(6).toString("base64url");
  const [[offset]] = await redis.appendFloor(2, keys.position, keys.log, ...HISTORY_ARGS, epoch, historyFeedChannel(prefix), body.room, String(DEFAULTS.idempotencyTtlSeconds), "PUBLISH", entry, "0");
  return { id, rooms: [body.room], offsets: { [body.room]: offset } };
};
const publish = process.env.VARIANT === "history" ? publishStored : process.env.VARIANT === "floor-feed" ? publishToFloor : publishPlain;
const port = Number(process.env.PORT);
const host = process.env.HOST ?? "127.0.0.1";

if (process.env.VARIANT === "hono") {
  const app = new Hono();
  app.get("/health", (c) => c.text("ok"));
  app.post("/v1/publish", async (c) => c.json(await publish(JSON.parse(await c.req.text())), 202));
  serve({ fetch: app.fetch, port, hostname: host });
} else {
  createServer((req, res) => {
    if (req.url === "/health") return res.end("ok");
    const chunks = [];
    req.on("data", (chunk) => chunks.push(chunk));
    req.on("end", async () => {
      const text = JSON.stringify(await publish(JSON.parse(Buffer.concat(chunks).toString())));
      res.writeHead(202, { "content-type": "application/json", "content-length": Buffer.byteLength(text) });
      res.end(text);
    });
  }).listen(port, host);
}
process.on("SIGTERM", () => process.exit(0));
