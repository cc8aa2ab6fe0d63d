import { connect } from "node:net";
import { nowMs } from "./clock.mjs";
import { createHistogram } from "./histogram.mjs";

/**
 * An HTTP/1.1 publisher over a few keep-alive connections with pipelining. Open-loop load must
 * not wait for answers, and a connection per outstanding request would measure connection
 * setup; pipelining keeps both costs off the books. Responses come back in order per
 * connection, so a FIFO of intended send times gives each one's latency. It parses only what
 * socket-server and the baselines send: a status line, headers, a Content-Length body.
 */
export async function createPipelinedPublisher({ port, path, token, connections = 16 }) {
  const latency = createHistogram();
  const statuses = {};
  let sent = 0;
  let answered = 0;
  const responseBodies = [];
  const lanes = await Promise.all(Array.from({ length: connections }, () => openLane()));
  let next = 0;

  function openLane() {
    return new Promise((resolve, reject) => {
      const socket = connect({ port, host: "127.0.0.1", noDelay: true });
      const lane = { socket, intended: [], buffer: Buffer.alloc(0) };
      socket.once("connect", () => resolve(lane));
      socket.once("error", reject);
      socket.on("data", (chunk) => {
        lane.buffer = lane.buffer.length ? Buffer.concat([lane.buffer, chunk]) : chunk;
        parse(lane);
      });
    });
  }

  function parse(lane) {
    for (;;) {
      const headEnd = lane.buffer.indexOf("\r\n\r\n");
      if (headEnd < 0) return;
      const head = lane.buffer.toString("latin1", 0, headEnd);
      const length = Number(/content-length:\s*(\d+)/i.exec(head)?.[1] ?? 0);
      if (lane.buffer.length < headEnd + 4 + length) return;
      const body = lane.buffer.subarray(headEnd + 4, headEnd + 4 + length);
      lane.buffer = lane.buffer.subarray(headEnd + 4 + length);
      const status = head.slice(9, 12);
      statuses[status] = (statuses[status] ?? 0) + 1;
      answered++;
      const intended = lane.intended.shift();
      latency.recordValue(Math.max(1, Math.round((nowMs() - intended) * 1000)));
      if (responseBodies.length < 3 && status !== "202") responseBodies.push(`${status} ${body.toString()}`);
      onAnswer?.(status, body);
    }
  }

  let onAnswer;
  const laneOf = (key) => {
    let hash = 0;
    for (let i = 0; i < key.length; i++) hash = (hash * 31 + key.charCodeAt(i)) >>> 0;
    return hash;
  };
  const prefix = `POST ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${token}\r\nContent-Type: application/json\r\nContent-Length: `;

  return {
    /**
     * Called by the scheduler once per request; writes are corked per tick by `batch`. Requests
     * with the same `key` (a room) share one connection, so the server handles them in order.
     */
    send(body, intendedMs, key) {
      const lane = lanes[key === undefined ? next++ % lanes.length : laneOf(key) % lanes.length];
      lane.intended.push(intendedMs);
      lane.socket.write(`${prefix}${Buffer.byteLength(body)}\r\n\r\n${body}`);
      sent++;
    },
    batch(fn) {
      for (const lane of lanes) lane.socket.cork();
      try {
        fn();
      } finally {
        for (const lane of lanes) lane.socket.uncork();
      }
    },
    onAnswer(callback) {
      onAnswer = callback;
    },
    stats: () => ({ sent, answered, statuses: { ...statuses }, latency, errorSamples: responseBodies }),
    outstanding: () => sent - answered,
    close() {
      for (const lane of lanes) lane.socket.destroy();
    },
  };
}
