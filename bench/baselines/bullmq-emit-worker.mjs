import { createServer } from "node:http";
import { Emitter } from "@socket.io/redis-emitter";
import { Worker } from "bullmq";
import { Redis } from "ioredis";

/**
 * The queue path's baseline consumer: a BullMQ Worker that emits each job to its room through
 * @socket.io/redis-emitter, for stock Socket.IO on the Redis adapter. Same concurrency as the
 * worker service's default (50); nothing else of its work (validation, metrics, awaiting Redis's
 * answer). `/health` only so the bench can wait for it like for every other process.
 */
const emitter = new Emitter(new Redis(process.env.REDIS_URL));
const connection = new Redis(process.env.REDIS_URL, { maxRetriesPerRequest: null });
new Worker(
  "notifications",
  async (job) => {
    const { room, event, data, acceptedAt } = job.data;
    emitter.to(room).emit(event, data, { id: job.id, room, ts: acceptedAt });
  },
  { connection, prefix: process.env.REDIS_PREFIX, concurrency: 50 },
);

createServer((req, res) => res.end(req.url === "/health" ? '{"status":"ok"}' : "")).listen(Number(process.env.PORT), process.env.HOST ?? "127.0.0.1");
process.on("SIGTERM", () => process.exit(0));
