import type { DeliveryMeta } from "@socket-server/shared/events";

interface BroadcastOptions {
  rooms: Set<string>;
  except?: Set<string>;
}

interface BroadcastingAdapter {
  rooms: Map<string, Set<string>>;
  _encode(packet: unknown, options: unknown): unknown;
  apply(options: BroadcastOptions, callback: (socket: unknown) => void): void;
}

export type BroadcastObserver = (recipients: number, meta: DeliveryMeta | undefined) => void;

/**
 * Calls `observe` once a broadcast has been written to every local socket, with the number of
 * sockets and the publication's meta. Works for both adapters: the Redis adapter hands what it
 * receives to the in-memory `broadcast`, which encodes once (`_encode`) and then writes to each
 * socket (`apply`), both looked up on the instance. Relies on socket.io-adapter 2.5 internals;
 * the gateway's metrics test fails if they change.
 */
export function observeBroadcasts(adapter: BroadcastingAdapter, observe: BroadcastObserver): void {
  const encode = adapter._encode.bind(adapter);
  const apply = adapter.apply.bind(adapter);
  let broadcasting: { meta: DeliveryMeta | undefined } | undefined;

  adapter._encode = (packet, options) => {
    broadcasting = { meta: metaOf(packet) };
    return encode(packet, options);
  };
  adapter.apply = (options, callback) => {
    const current = broadcasting;
    broadcasting = undefined;
    if (!current) return apply(options, callback);
    // One room, nobody excluded (the usual publish): the room's size is the count, so the
    // per-socket write loop runs exactly as in stock Socket.IO.
    if (options.rooms.size === 1 && !options.except?.size) {
      const [room] = options.rooms;
      const recipients = adapter.rooms.get(room!)?.size ?? 0;
      apply(options, callback);
      observe(recipients, current.meta);
      return;
    }
    let recipients = 0;
    apply(options, (socket) => {
      recipients++;
      callback(socket);
    });
    observe(recipients, current.meta);
  };
}

function metaOf(packet: unknown): DeliveryMeta | undefined {
  const data = (packet as { data?: unknown[] }).data;
  const meta = Array.isArray(data) ? data[2] : undefined;
  if (meta && typeof meta === "object" && typeof (meta as DeliveryMeta).ts === "number") return meta as DeliveryMeta;
  return undefined;
}
