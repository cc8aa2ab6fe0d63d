import { ServerResponse } from "node:http";
import type { Duplex } from "node:stream";

export interface EngineRefusal {
  status: 403 | 429 | 503;
  body: string;
  headers?: Record<string, string>;
}

const STATUS_TEXT: Record<EngineRefusal["status"], string> = { 403: "Forbidden", 429: "Too Many Requests", 503: "Service Unavailable" };

/**
 * Answers a request an engine.io middleware (`io.engine.use`) refuses, with the status and body
 * given, on either kind of request. A polling request comes with a real `ServerResponse`. A
 * WebSocket upgrade comes with engine.io's stand-in (`WebSocketResponse`, engine.io 6.6.12), whose
 * `writeHead` does nothing and whose `end` destroys the socket unanswered, and engine.io answers a
 * middleware's error `400 Bad Request` whatever it was; so the answer is written on the raw socket
 * the stand-in holds, as an HTTP/1.1 response that closes the connection.
 */
export function refuseEngineRequest(response: unknown, { status, body, headers = {} }: EngineRefusal): void {
  const all = { "Content-Type": "application/json", "Content-Length": String(Buffer.byteLength(body)), ...headers };
  if (response instanceof ServerResponse) {
    response.writeHead(status, all).end(body);
    return;
  }
  const socket = (response as { socket?: Duplex }).socket;
  if (!socket) throw new Error("engine.io's upgrade response holds no socket: see refuseEngineRequest");
  const head = Object.entries({ ...all, Connection: "close" }).map(([name, value]) => `${name}: ${value}\r\n`).join("");
  // Node takes its own "error" listener off a socket it hands to "upgrade": a client that resets
  // the connection instead of reading the answer would otherwise end the process (ECONNRESET).
  socket.on("error", ignore);
  if (socket.writable) socket.end(`HTTP/1.1 ${status} ${STATUS_TEXT[status]}\r\n${head}\r\n${body}`);
  else socket.destroy();
}

function ignore(): void {}
