import type { DeliveryMeta } from "@socket-server/shared/events";
import type { BufferingConnection } from "./buffered-bytes.js";

/** The parts of an engine.io connection the direct write reads. */
interface EngineConnection extends BufferingConnection {
  readyState: string;
  transport: {
    name: string;
    writable: boolean;
    perMessageDeflate?: unknown;
    socket?: { bufferedAmount?: number; _sender?: { sendFrame(frame: Buffer[]): void } };
  };
}

interface BroadcastSocket {
  conn: EngineConnection;
  _anyOutgoingListeners?: unknown[];
}

interface BroadcastOptions {
  rooms: Set<string>;
  except?: Set<string>;
}

interface BroadcastingAdapter {
  rooms: Map<string, Set<string>>;
  nsp: { sockets: Map<string, BroadcastSocket> };
  _encode(packet: unknown, options: { wsPreEncodedFrame?: Buffer[] }): unknown;
  apply(options: BroadcastOptions, callback: (socket: BroadcastSocket) => void): void;
}

export type BroadcastObserver = (recipients: number, meta: DeliveryMeta | undefined) => void;

export interface BroadcastHooks {
  /** Once per broadcast, after it has been written to every local recipient. */
  observe: BroadcastObserver;
  /** With each recipient's connection that may now hold unsent bytes (the slow-consumer guard checks these). */
  touch: (conn: BufferingConnection) => void;
}

interface Broadcast {
  meta: DeliveryMeta | undefined;
  /** The WebSocket frame the adapter built once for every recipient, when it could, as one buffer. */
  frame: Buffer[] | undefined;
}

/**
 * Installs the gateway's broadcast path on a namespace's adapter, for both adapters (the Redis
 * adapter hands what it receives to the in-memory `broadcast`, which encodes once with `_encode`
 * and then writes to each socket through `apply`, both looked up on the instance).
 *
 * It does two things:
 * - calls `observe` once a broadcast has been written, with the number of local recipients and
 *   the publication's meta (for metrics), and `touch` with each recipient's connection that may
 *   now hold bytes the kernel has not taken (for the slow-consumer sweep): every connection the
 *   stock path wrote to, and those a direct write left bytes on. A buffer grows only by a write
 *   it cannot pass on whole, so the sweep misses none, and it no longer visits every recipient;
 * - writes the frame the adapter pre-built straight to each socket whose WebSocket is idle.
 *   Stock Socket.IO sends it through engine.io's per-packet machinery: a packet object, a write
 *   buffer, four events and a write callback per socket per message. That was most of what the
 *   gateway spent per delivery beyond the raw-`ws` floor (bench/README.md, "Writing broadcast
 *   frames straight to idle WebSockets"). A connection that is not idle (polling,
 *   upgrading, a write in flight, packets queued, closing) takes the stock path, so order is
 *   kept: both paths end in the same WebSocket sender. The adapter's frame comes in two parts,
 *   header and payload, which the sender writes with a cork, an uncork and a writev per socket;
 *   joined once per broadcast, each socket takes one plain write (bench/README.md, "Twelfth
 *   round"). What the kernel has not taken stays in the socket's buffer, where the
 *   slow-consumer sweep counts it.
 *
 * Relies on internals of socket.io-adapter 2.5.8, socket.io 4.8.4, engine.io 6.6.12 and ws 8.21.3 (each named in internals.test.ts).
 */
export function installBroadcastPath(adapter: BroadcastingAdapter, { observe, touch }: BroadcastHooks): void {
  const encode = adapter._encode.bind(adapter);
  const apply = adapter.apply.bind(adapter);
  let broadcasting: Broadcast | undefined;

  adapter._encode = (packet, options) => {
    const encoded = encode(packet, options);
    // A packet with an id expects acknowledgements, which only the stock path registers.
    const acknowledged = (packet as { id?: number }).id !== undefined;
    const frame = acknowledged ? undefined : options.wsPreEncodedFrame;
    broadcasting = { meta: metaOf(packet), frame: frame && [frame.length === 1 ? frame[0]! : Buffer.concat(frame)] };
    return encoded;
  };
  adapter.apply = (options, callback) => {
    const current = broadcasting;
    broadcasting = undefined;
    if (!current) return apply(options, callback);
    const { frame } = current;
    let recipients = 0;
    const deliver = (socket: BroadcastSocket) => {
      recipients++;
      if (!frame || !writeDirectly(socket, frame)) {
        callback(socket);
        touch(socket.conn);
      } else if (socket.conn.transport.socket!.bufferedAmount) {
        // Only a write the kernel did not take whole can leave a client behind.
        touch(socket.conn);
      }
    };
    // One room, nobody excluded (the usual publish): no set of ids already served is needed.
    if (options.rooms.size === 1 && !options.except?.size) {
      const [room] = options.rooms;
      for (const id of adapter.rooms.get(room!) ?? []) {
        const socket = adapter.nsp.sockets.get(id);
        if (socket) deliver(socket);
      }
    } else {
      apply(options, deliver);
    }
    observe(recipients, current.meta);
  };
}

function writeDirectly(socket: BroadcastSocket, frame: Buffer[]): boolean {
  const { conn } = socket;
  const { transport } = conn;
  const sender = transport.socket?._sender;
  if (
    !sender ||
    conn.readyState !== "open" ||
    conn.writeBuffer.length > 0 ||
    !transport.writable ||
    transport.perMessageDeflate ||
    transport.name !== "websocket" ||
    socket._anyOutgoingListeners?.length
  ) {
    return false;
  }
  sender.sendFrame(frame);
  return true;
}

function metaOf(packet: unknown): DeliveryMeta | undefined {
  const data = (packet as { data?: unknown[] }).data;
  const meta = Array.isArray(data) ? data[2] : undefined;
  if (meta && typeof meta === "object" && typeof (meta as DeliveryMeta).ts === "number") return meta as DeliveryMeta;
  return undefined;
}
