import { io, type Socket } from "socket.io-client";
import type { DeliveryMeta, SubscriptionAck } from "@socket-server/shared/events";

export interface Received {
  event: string;
  data: unknown;
  meta: DeliveryMeta;
}

export interface TestClient {
  socket: Socket;
  received: Received[];
  subscribe(rooms: string | string[]): Promise<SubscriptionAck>;
  unsubscribe(rooms: string | string[]): Promise<SubscriptionAck>;
  close(): void;
}

/** A real socket.io-client that records every event it receives. */
export async function connectClient(url: string, options: { transports?: ("websocket" | "polling")[] } = {}): Promise<TestClient> {
  const socket = io(url, { transports: options.transports ?? ["websocket"], reconnection: false, forceNew: true });
  const received: Received[] = [];
  socket.onAny((event: string, data: unknown, meta: DeliveryMeta) => received.push({ event, data, meta }));
  await new Promise<void>((resolve, reject) => {
    socket.once("connect", () => resolve());
    socket.once("connect_error", reject);
  });
  const call = (event: "subscribe" | "unsubscribe", rooms: string | string[]) =>
    socket.timeout(5000).emitWithAck(event, rooms) as Promise<SubscriptionAck>;
  return {
    socket,
    received,
    subscribe: (rooms) => call("subscribe", rooms),
    unsubscribe: (rooms) => call("unsubscribe", rooms),
    close: () => socket.close(),
  };
}
