import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { Server, type Socket } from "socket.io";
import type { SubscribeAck, SubscribeRequest } from "./wire.js";

export type SubscribeAnswer = (request: SubscribeRequest, socket: Socket) => SubscribeAck | Promise<SubscribeAck>;

export interface FakeGateway {
  io: Server;
  url: string;
  /** Every subscribe request received, in order. */
  requests: SubscribeRequest[];
  /** Every handshake's `auth`, in order. */
  handshakes: Array<Record<string, unknown>>;
  /** What the next subscribes are answered; the default acks every room at `{ 0, "e1" }`. */
  answer: SubscribeAnswer;
  close(): Promise<void>;
}

/**
 * A Socket.IO server on a free port that speaks the gateway's wire protocol as a test scripts
 * it: for what a real gateway does only under failure (an epoch change mid-connection, an
 * `unavailable` ack, a forced disconnect). The real gateway is in create-client.e2e.test.ts.
 */
export async function startFakeGateway(): Promise<FakeGateway> {
  const httpServer = createServer();
  const io = new Server(httpServer);
  const gateway: FakeGateway = {
    io,
    url: "",
    requests: [],
    handshakes: [],
    answer: (request) => ({ ok: true, rooms: request.rooms, positions: Object.fromEntries(request.rooms.map((room) => [room, { offset: 0, epoch: "e1" }])) }),
    close: () => new Promise((resolve) => io.close(() => resolve())),
  };
  io.use((socket, next) => {
    gateway.handshakes.push(socket.handshake.auth);
    next();
  });
  io.on("connection", (socket) => {
    socket.on("subscribe", async (request: SubscribeRequest, ack: (answer: SubscribeAck) => void) => {
      gateway.requests.push(request);
      ack(await gateway.answer(request, socket));
    });
    socket.on("unsubscribe", (rooms: string | string[], ack?: (answer: SubscribeAck) => void) => {
      const list = typeof rooms === "string" ? [rooms] : rooms;
      ack?.({ ok: true, rooms: list });
    });
  });
  await new Promise<void>((resolve) => httpServer.listen(0, "127.0.0.1", resolve));
  gateway.url = `http://127.0.0.1:${(httpServer.address() as AddressInfo).port}`;
  return gateway;
}
