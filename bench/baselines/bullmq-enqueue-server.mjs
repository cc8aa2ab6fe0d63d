import { createServer } from "node:http";
import { Queue } from "bullmq";
import { Redis } from "ioredis";
import { reply } from "./publish-route.mjs";

/**
 * The stock way into a BullMQ queue over HTTP, the queue path's baseline producer:
 * `POST /v1/notifications {room, event, data, jobId?, attempts?}` adds one job with BullMQ's
 * defaults and answers 202 `{jobId}`. No auth, no schema, no batching: what a user writes first.
 */
const queue = new Queue("notifications", { connection: new Redis(process.env.REDIS_URL, { maxRetriesPerRequest: null }), prefix: process.env.REDIS_PREFIX });

createServer((req, res) => {
  if (req.method === "GET" && req.url === "/health") return reply(res, 200, { status: "ok" });
  if (req.method !== "POST" || req.url !== "/v1/notifications") return reply(res, 404, { error: { code: "not_found" } });
  const chunks = [];
  req.on("data", (chunk) => chunks.push(chunk));
  req.on("end", async () => {
    try {
      const { room, event, data, jobId, attempts } = JSON.parse(Buffer.concat(chunks).toString());
      const job = await queue.add("notification", { room, event, data, acceptedAt: Date.now() }, { jobId, attempts });
      reply(res, 202, { jobId: job.id });
    } catch (error) {
      reply(res, 503, { error: { code: "unavailable", message: String(error) } });
    }
  });
}).listen(Number(process.env.PORT), process.env.HOST ?? "127.0.0.1");
process.on("SIGTERM", () => process.exit(0));
