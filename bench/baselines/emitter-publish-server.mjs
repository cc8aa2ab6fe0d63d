import { createServer } from "node:http";
import { Emitter } from "@socket.io/redis-emitter";
import { Redis } from "ioredis";
import { createPublishRoute } from "./publish-route.mjs";

/**
 * The stock way to publish to Socket.IO servers on the Redis adapter from another process:
 * the same HTTP route as the baselines', emitting through @socket.io/redis-emitter.
 * What publish-api is to the gateway, with none of its checks.
 */
const emitter = new Emitter(new Redis(process.env.REDIS_URL));
const httpServer = createServer(createPublishRoute((room, event, data, meta) => emitter.to(room).emit(event, data, meta)));
httpServer.listen(Number(process.env.PORT), process.env.HOST ?? "127.0.0.1");
process.on("SIGTERM", () => process.exit(0));
