import WebSocket from "ws";

export interface RawSocketIo {
  ws: WebSocket;
  /** Text frames received after the handshake. */
  messages: string[];
  /** Resolves with the close code once the server (or the network) closes the connection. */
  closed: Promise<number>;
  isOpen(): boolean;
}

/**
 * A Socket.IO client spoken by hand over a raw WebSocket, for sending what socket.io-client
 * never would. Resolves once the namespace handshake (`40` with the token) has been accepted.
 */
export async function openRawSocketIo(url: string, token: string | undefined, options: { localAddress?: string } = {}): Promise<RawSocketIo> {
  const ws = new WebSocket(`${url.replace(/^http/, "ws")}/socket.io/?EIO=4&transport=websocket`, {
    ...(options.localAddress ? { localAddress: options.localAddress } : {}),
  });
  const messages: string[] = [];
  const closed = new Promise<number>((resolve) => ws.once("close", (code) => resolve(code)));
  ws.on("error", () => {});
  await new Promise<void>((resolve, reject) => {
    ws.on("message", (data, isBinary) => {
      if (isBinary) return;
      const text = data.toString();
      // Answer engine.io pings so only what a test sends decides the connection's fate.
      if (text === "2") return ws.send("3");
      if (text.startsWith("0")) return ws.send(`40${JSON.stringify(token === undefined ? {} : { token })}`);
      if (text.startsWith("40")) return resolve();
      if (text.startsWith("44")) return reject(new Error(`handshake refused: ${text}`));
      messages.push(text);
    });
    void closed.then(() => reject(new Error("closed during the handshake")));
  });
  return { ws, messages, closed, isOpen: () => ws.readyState === WebSocket.OPEN };
}
