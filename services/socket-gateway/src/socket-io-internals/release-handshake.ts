import type { Socket } from "socket.io";

type Handshake = Socket["handshake"];

// Shared by every connection: nothing reads or writes them once the handshake is over.
const NOTHING = Object.freeze({});

/**
 * Lets a connected client's handshake record go, keeping its address, when it was issued and
 * the two flags (`xdomain`, `secure`).
 *
 * Socket.IO keeps `socket.handshake` for the connection's life: the auth payload the client
 * sent (its whole token), a date string, and header and query objects (empty here: the gateway
 * drops the handshake request as the connection opens). The gateway reads `handshake.auth`
 * once, in the handshake guard, before the connection exists; `auth:refresh` brings its token
 * with the event, so the record is dead weight on every idle connection, a token's length more
 * on one that has a token (bench/README.md, "Where the rest of the heap was").
 * No gateway code calls `fetchSockets()`; should another instance call it, the Redis adapter
 * answers with this record, without auth, headers or query.
 * Relies on socket.io 4.8.4's `Socket#handshake` being a writable plain record, named in internals.test.ts.
 */
export function releaseHandshake(socket: Socket): void {
  const { address, issued, xdomain, secure } = socket.handshake;
  const released: Handshake = { address, issued, xdomain, secure, time: "", url: "", headers: NOTHING, query: NOTHING, auth: NOTHING };
  (socket as { handshake: Handshake }).handshake = released;
}
