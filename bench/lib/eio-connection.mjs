import WebSocket from "ws";
import { createFrameReader } from "./ws-frame-reader.mjs";

/**
 * One lean Socket.IO client over `ws`, speaking Engine.IO v4 / Socket.IO v5 by hand: answer
 * the open packet with a namespace connect ("40"), subscribe with an ack once connected, answer
 * pings ("2") with pongs ("3"), and hand broadcast frames ("42...") over raw, unparsed.
 * A real client decodes every message, which would make the masses, not the server, the
 * bottleneck (bench/README.md, "How it measures").
 */
export function openEioConnection({ url, localAddress, rooms, onReady, onFailed, onEvent, onClosed }) {
  const ws = new WebSocket(url, { localAddress, perMessageDeflate: false, skipUTF8Validation: true, handshakeTimeout: 15_000 });
  const subscribe = `420${JSON.stringify(["subscribe", rooms])}`;
  let ready = false;
  let closing = false;

  // After the upgrade, frames are read off the socket directly (see ws-frame-reader.mjs); ws
  // still sends (masking the client's frames) and still reports the socket closing.
  ws.once("open", () => {
    const socket = ws._socket;
    socket.removeAllListeners("data");
    const read = createFrameReader((opcode, buf, start, end) => {
      if (opcode === 1 && buf[start] === 0x34 && buf[start + 1] === 0x32) onEvent(buf, start);
      else if (opcode === 1) onMessage(buf.subarray(start, end));
      else if (opcode === 8) ws.terminate();
    });
    socket.on("data", read);
  });
  const onMessage = (buf) => {
    const type = buf[0];
    if (type === 0x34 /* 4: message */) {
      const kind = buf[1];
      if (kind === 0x32 /* 42: event */) return onEvent(buf);
      if (kind === 0x30 /* 40: namespace connected */) return ws.send(subscribe);
      if (kind === 0x33 /* 43: our subscribe ack */) {
        if (buf.includes('"ok":true')) {
          ready = true;
          return onReady();
        }
        return fail(new Error(`subscribe refused: ${buf.toString()}`));
      }
      if (kind === 0x34 /* 44: connect_error */) return fail(new Error(`connect_error: ${buf.toString()}`));
      return;
    }
    if (type === 0x32 /* 2: ping */) return ws.send("3");
    if (type === 0x30 /* 0: open */) return ws.send("40");
  };
  ws.on("error", (error) => {
    if (!ready) fail(error);
  });
  ws.on("close", () => {
    if (!ready) fail(new Error("closed before ready"));
    else if (!closing) onClosed();
  });

  let failed = false;
  function fail(error) {
    if (failed || ready) return;
    failed = true;
    closing = true;
    ws.terminate();
    onFailed(error);
  }

  return {
    close() {
      closing = true;
      ws.terminate();
    },
  };
}
