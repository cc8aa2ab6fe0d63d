import { createServer } from "node:http";
import { Server } from "socket.io";
import { createPublishRoute } from "./publish-route.mjs";

/**
 * Stock Socket.IO: default options, in-memory adapter, and only what a user must write to
 * offer the same subscribe-and-broadcast contract as socket-server. With REDIS_URL it takes
 * the stock Redis adapter instead and is fed by `emitter-publish-server.mjs`, another process.
 */
const httpServer = createServer(createPublishRoute((room, event, data, meta) => io.to(room).emit(event, data, meta)));
const io = new Server(httpServer);

if (process.env.REDIS_URL) {
  const [{ createAdapter }, { Redis }] = await Promise.all([import("@socket.io/redis-adapter"), import("ioredis")]);
  const pub = new Redis(process.env.REDIS_URL);
  io.adapter(createAdapter(pub, pub.duplicate()));
}

io.on("connection", (socket) => {
  socket.on("subscribe", (rooms, ack) => {
    socket.join(rooms);
    ack?.({ ok: true, rooms: [rooms].flat() });
  });
});

httpServer.listen(Number(process.env.PORT), process.env.HOST ?? "127.0.0.1");
process.on("SIGTERM", () => process.exit(0));
