import { io } from "socket.io-client";
import { BENCH_EVENT } from "./payload.mjs";

/**
 * A real socket.io-client, to prove that what the lean clients count is what a user's client
 * decodes: every broadcast it receives is checked field by field.
 */
export function openSioConnection({ httpUrl, localAddress, rooms, onReady, onFailed, onMessage, onClosed }) {
  // websocket only: the floor speaks no long-polling.
  const socket = io(httpUrl, { transports: ["websocket"], reconnection: false, forceNew: true, localAddress, timeout: 15_000 });
  let ready = false;
  socket.on("connect", () => {
    socket.emit("subscribe", rooms, (ack) => {
      if (ack?.ok) {
        ready = true;
        onReady();
      } else onFailed(new Error(`subscribe refused: ${JSON.stringify(ack)}`));
    });
  });
  socket.on("connect_error", (error) => {
    if (!ready) onFailed(error);
  });
  socket.on("disconnect", (reason) => {
    if (ready && reason !== "io client disconnect") onClosed(reason);
  });
  socket.on(BENCH_EVENT, (data, meta) => onMessage(data, meta));
  return { close: () => socket.close() };
}
