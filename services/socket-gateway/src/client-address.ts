import type { IncomingMessage } from "node:http";

/**
 * The client's address: the TCP peer, or behind a proxy the last entry of the header it sets
 * (`x-real-ip`, `x-forwarded-for`). The last entry is the one the nearest proxy wrote; anything
 * before it the client may have sent itself.
 */
export function clientAddress(request: IncomingMessage, header: string | undefined): string {
  const peer = request.socket.remoteAddress ?? "unknown";
  if (header === undefined) return peer;
  const value = request.headers[header];
  const last = (Array.isArray(value) ? value.join(",") : (value ?? "")).split(",").at(-1)?.trim();
  return last || peer;
}
