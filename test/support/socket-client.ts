import { io, type Socket } from "socket.io-client";
import type { DeliveryMeta, SubscribeArgument, SubscriptionAck } from "@socket-server/shared/events";

export interface Received {
  event: string;
  data: unknown;
  meta: DeliveryMeta;
}

export interface TestClient {
  socket: Socket;
  received: Received[];
  subscribe(request: SubscribeArgument): Promise<SubscriptionAck>;
  unsubscribe(rooms: string | string[]): Promise<SubscriptionAck>;
  close(): void;
}

export interface ConnectOptions {
  transports?: ("websocket" | "polling")[];
  /** Sent as `auth.token`; omit to connect anonymously. */
  token?: string;
  extraHeaders?: Record<string, string>;
  /** Local address to connect from (127.0.0.x), so tests can act as several client machines. */
  localAddress?: string;
}

/**
 * A failed transport as socket.io-client reports it (refusals that pass come this way): over a
 * WebSocket in Node, `description.message` is ws's `Unexpected server response: <status>`.
 */
export type TransportError = Error & { description?: { message?: string } | number; context?: { responseText?: string } };

/** A handshake refusal as socket.io-client reports it. */
export type ConnectError = Error & { data?: { code?: string; retryable?: boolean; retryAfterMs?: number; message?: string } };

/** A real socket.io-client that records every event it receives. */
export async function connectClient(url: string, options: ConnectOptions = {}): Promise<TestClient> {
  const socket = io(url, {
    transports: options.transports ?? ["websocket"],
    reconnection: false,
    forceNew: true,
    ...(options.token === undefined ? {} : { auth: { token: options.token } }),
    ...(options.extraHeaders ? { extraHeaders: options.extraHeaders } : {}),
    ...(options.localAddress ? { localAddress: options.localAddress } : {}),
  } as Parameters<typeof io>[1]);
  const received: Received[] = [];
  socket.onAny((event: string, data: unknown, meta: DeliveryMeta) => received.push({ event, data, meta }));
  await new Promise<void>((resolve, reject) => {
    socket.once("connect", () => resolve());
    socket.once("connect_error", (error) => {
      socket.close();
      reject(error);
    });
  });
  const call = (event: "subscribe" | "unsubscribe", request: SubscribeArgument) =>
    socket.timeout(5000).emitWithAck(event, request) as Promise<SubscriptionAck>;
  return {
    socket,
    received,
    subscribe: (rooms) => call("subscribe", rooms),
    unsubscribe: (rooms) => call("unsubscribe", rooms),
    close: () => socket.close(),
  };
}

/** Connects expecting a refusal; resolves with the error (fails the test if it connects). */
export async function connectRefused(url: string, options: ConnectOptions = {}): Promise<ConnectError> {
  try {
    const client = await connectClient(url, options);
    client.close();
  } catch (error) {
    return error as ConnectError;
  }
  throw new Error("expected the handshake to be refused, but it connected");
}
