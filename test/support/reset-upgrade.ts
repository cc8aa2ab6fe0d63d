import { connect } from "node:net";

const UPGRADE =
  "GET /socket.io/?EIO=4&transport=websocket HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
  "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n";

/**
 * Asks a gateway for a new WebSocket session over a raw TCP socket, and on the first bytes of
 * the answer resets the connection (an RST, not a FIN) with the rest unread, as a client that
 * gives up does. Resolves with the answer's status ("101", "429", ...).
 */
export function upgradeThenReset(port: number, localAddress = "127.0.0.1"): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect({ port, host: "127.0.0.1", localAddress }, () => socket.write(UPGRADE));
    socket.once("data", (chunk) => {
      socket.resetAndDestroy();
      resolve(chunk.toString("latin1").split(" ")[1]!);
    });
    socket.once("error", reject);
  });
}
