import type { EventEmitter } from "node:events";

interface ListenerTableOwner {
  _events?: object;
}

/** What a connected client's emitters look like here (engine.io 6.6 internals). */
export interface ClientEmitters {
  socket: EventEmitter;
  conn: EventEmitter & { transport: TransportEmitter };
}

interface TransportEmitter extends EventEmitter {
  name: string;
  /** The `ws` WebSocket under engine.io's websocket transport. */
  socket?: EventEmitter;
}

/**
 * Rebuilds an EventEmitter's listener table as an object V8 keeps in fast mode.
 *
 * Node creates a plain EventEmitter's table as `{ __proto__: null }`, which V8 stores as a hash
 * table (dictionary mode), bigger than a fast-mode object even for a few listeners. A connected
 * client has four such emitters (the Socket.IO socket, the engine.io socket, its transport, the
 * `ws` WebSocket), so every idle connection carries four hash tables where fast-mode objects
 * would do (bench/README.md, "Where the rest of the heap was"). Spreading the table into a
 * literal and then detaching the literal's prototype gives a fast-mode copy with the same
 * entries, symbols included. EventEmitter reads the table through `this._events` on every
 * call, so nothing holds the old one.
 * Relies on Node 20's EventEmitter `_events` and engine.io 6.6.12's transport `socket` (ws 8.21.3), named in internals.test.ts.
 */
export function compactListenerTable(emitter: EventEmitter): void {
  const owner = emitter as unknown as ListenerTableOwner;
  const table = owner._events;
  // Only Node's own `{ __proto__: null }` tables: anything else is someone else's structure.
  if (table === undefined || Object.getPrototypeOf(table) !== null) return;
  owner._events = Object.setPrototypeOf({ ...table }, null) as object;
}

function compactTransport(transport: TransportEmitter): void {
  compactListenerTable(transport);
  if (transport.socket) compactListenerTable(transport.socket);
}

// Shared by every upgrading client (`this` is its engine.io socket). The upgrade removed
// listeners from that socket's table, and a removal returns a table to dictionary mode.
function compactAfterUpgrade(this: EventEmitter, transport: TransportEmitter): void {
  compactListenerTable(this);
  compactTransport(transport);
}

/**
 * Compacts a client's four listener tables once its connection handler has added its
 * listeners. A client still on HTTP long-polling gets its WebSocket transport later, so that
 * one, and the engine.io socket the upgrade changed, are compacted when the upgrade completes.
 * A client that never upgrades keeps the one-off "upgrade" listener and polling's tables; later
 * listener removals (a failed upgrade's cleanup, say) cost memory again, never correctness.
 */
export function compactClientListenerTables({ socket, conn }: ClientEmitters): void {
  compactListenerTable(socket);
  compactListenerTable(conn);
  compactTransport(conn.transport);
  if (conn.transport.name === "polling") conn.once("upgrade", compactAfterUpgrade);
}
