// Redis memory per room of history: a private redis-server, ROOMS rooms filled to HISTORY_SIZE
// messages of a given payload, `used_memory` before and after.
// Usage: node bench/experiments/history-memory.mjs [rooms=1000] [historySize=100] [payloadBytes=100]
import { spawn } from "node:child_process";
import { Redis } from "ioredis";
import { pino } from "pino";
import { createRedisHistory } from "../../shared/dist/history/index.js";
import { createRedisClient } from "../../shared/dist/redis/index.js";
import { freePort } from "../lib/free-port.mjs";
import { waitUntil } from "../lib/wait-until.mjs";

const [rooms = 1000, size = 100, payloadBytes = 100] = process.argv.slice(2).map(Number);
const port = await freePort();
const server = spawn("redis-server", ["--port", String(port), "--save", "", "--appendonly", "no"], { stdio: "ignore" });
const url = `redis://127.0.0.1:${port}`;
const admin = new Redis(url, { retryStrategy: () => 50 });
admin.on("error", () => {});
try {
  await waitUntil(() => admin.status === "ready", { timeoutMs: 10_000, what: "redis-server" });
  const client = createRedisClient({ url, name: "history-memory", role: "command", logger: pino({ level: "silent" }), commandTimeoutMs: 10_000 });
  await waitUntil(() => client.status === "ready", { timeoutMs: 10_000, what: "client ready" });
  const history = createRedisHistory({ client, prefix: "socket-server", settings: { size, ttlSeconds: 300, idempotencyTtlSeconds: 300 } });
  const usedMemory = async () => Number(/used_memory:(\d+)/.exec(await admin.info("memory"))[1]);
  const data = "x".repeat(payloadBytes);
  const before = await usedMemory();
  for (let room = 0; room < rooms; room++) {
    const appends = [];
    for (let n = 0; n < size; n++) {
      appends.push(history.append({ room: `orders:${room}`, entry: { id: crypto.randomUUID(), event: "order.updated", data, ts: Date.now(), except: [] } }));
    }
    await Promise.all(appends);
  }
  const after = await usedMemory();
  const perRoom = (after - before) / rooms;
  console.log(JSON.stringify({ rooms, historySize: size, payloadBytes, bytesPerRoom: Math.round(perRoom), bytesPerMessage: Math.round(perRoom / size) }));
  client.disconnect();
} finally {
  admin.disconnect();
  server.kill("SIGKILL");
}
