import { io } from "socket.io-client";
import { BENCH_EVENT } from "./payload.mjs";

/**
 * Real socket.io-clients in this (client-core) process, one per room, each room's client on the
 * gateway `gatewayFor(room)` picks. At a few thousand deliveries a second a real client's decoding
 * is cheap enough, and it proves the gateways deliver what a user's client receives.
 */
export async function connectRoomClients({ rooms, gatewayFor, concurrency = 50 }) {
  let delivered = 0;
  const sockets = [];
  const connectOne = (room) => new Promise((resolve, reject) => {
    const socket = io(gatewayFor(room), { transports: ["websocket"], reconnection: false, forceNew: true, timeout: 15_000 });
    sockets.push(socket);
    socket.on(BENCH_EVENT, () => delivered++);
    socket.once("connect_error", reject);
    // A gateway that has not yet reached its Redis (a cluster's slot map comes first) answers
    // "unavailable, retry": retry for up to 10 s as a user's client would.
    let attempts = 0;
    const subscribe = () => socket.emit("subscribe", [room], (ack) => {
      if (ack?.ok) resolve();
      else if (ack?.error?.code === "unavailable" && ++attempts < 50) setTimeout(subscribe, 200);
      else reject(new Error(`subscribe refused: ${JSON.stringify(ack)}`));
    });
    socket.once("connect", subscribe);
  });
  const queue = [...rooms];
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (queue.length) await connectOne(queue.shift());
  }));
  return { delivered: () => delivered, close: () => sockets.forEach((socket) => socket.close()) };
}
