import { randomUUID } from "node:crypto";
import { createServer } from "node:http";
import { serve } from "@hono/node-server";
import { Hono } from "hono";
import { Redis } from "ioredis";

/**
 * What `POST /v1/publish` costs with nothing of socket-server's own work: parse the body,
 * PUBLISH one message, answer 202 with an id. VARIANT=node is bare node:http, VARIANT=hono the
 * same route in Hono on @hono/node-server. No auth, validation, metrics or Socket.IO encoding:
 * the distance from here to publish-api is what those cost.
 */
const redis = new Redis(process.env.REDIS_URL);
const prefix = process.env.REDIS_PREFIX ?? "bench";
const publish = async (body) => {
  const id = randomUUID();
  await redis.publish(`${prefix}#/#${body.room}#`, JSON.stringify([body.event, body.data, { id }]));
  return { id, rooms: [body.room] };
};
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
