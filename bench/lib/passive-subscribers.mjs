import { connect } from "node:net";

/**
 * K raw RESP connections standing in for K more gateways on the Redis link: each sends its
 * SUBSCRIBE or SSUBSCRIBE commands and then reads and discards every byte. Raw sockets rather than
 * ioredis so that parsing the pushes costs the client core nothing and Redis's work is all we add.
 */
export async function openPassiveSubscribers({ port, channelsFor, count, command }) {
  const sockets = await Promise.all(Array.from({ length: count }, (_, j) => new Promise((resolve, reject) => {
    const socket = connect({ port, host: "127.0.0.1" });
    socket.once("error", reject);
    socket.once("connect", () => {
      // One command per channel: SSUBSCRIBE's channels must share a slot in cluster mode, and
      // keeping to one per command is valid in both modes.
      const resp = channelsFor(j).map((channel) => `*2\r\n$${command.length}\r\n${command}\r\n$${Buffer.byteLength(channel)}\r\n${channel}\r\n`).join("");
      socket.write(resp);
      resolve(socket);
    });
    socket.on("data", () => {});
  })));
  return { close: () => sockets.forEach((socket) => socket.destroy()) };
}
