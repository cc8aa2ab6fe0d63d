import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { pino } from "pino";
import type { Server } from "socket.io";
import { createClientAuthenticator } from "./create-client-authenticator.js";
import { createSocketServer, type ClientPolicy, type CutReason } from "./create-socket-server.js";
import type { BroadcastObserver } from "./socket-io-internals/broadcast-path.js";
import { createTokenVerifier } from "./create-token-verifier.js";
import { TEST_JWT_SECRET } from "../../../test/support/tokens.js";

export interface InProcessGatewayOptions extends Partial<Omit<ClientPolicy, "authenticate" | "verifyToken">> {
  maxConnections?: number;
  draining?: () => boolean;
  /** Grants of clients without a token; omit to refuse them. */
  anonymousRooms?: string[];
  onBroadcast?: BroadcastObserver;
}

export interface InProcessGateway {
  io: Server;
  url: string;
  cuts: CutReason[];
  refusals: string[];
  close(): Promise<void>;
}

/** The gateway's Socket.IO server on a free port in this process, verifying tokens signed with TEST_JWT_SECRET. */
export async function startInProcessGateway(options: InProcessGatewayOptions = {}): Promise<InProcessGateway> {
  const httpServer = createServer();
  const verifyToken = createTokenVerifier({ key: { kind: "secret", secret: TEST_JWT_SECRET } });
  const cuts: CutReason[] = [];
  const refusals: string[] = [];
  const { io, attach } = createSocketServer({
    logger: pino({ level: "silent" }),
    maxConnections: options.maxConnections ?? 1000,
    draining: options.draining ?? (() => false),
    clients: {
      authenticate: createClientAuthenticator({ verifyToken, anonymousRooms: options.anonymousRooms }),
      verifyToken,
      corsOrigins: options.corsOrigins ?? [],
      clientIpHeader: options.clientIpHeader,
      maxRoomsPerConnection: options.maxRoomsPerConnection ?? 100,
      eventsPerSecond: options.eventsPerSecond ?? 1000,
      connectionsPerSecondPerIp: options.connectionsPerSecondPerIp ?? 1000,
      slowConsumerMaxBytes: options.slowConsumerMaxBytes ?? 1024 * 1024,
      expiryGraceMs: options.expiryGraceMs ?? 30_000,
      tokenClock: options.tokenClock,
    },
    onRefused: (code) => refusals.push(code),
    onCut: (reason) => cuts.push(reason),
    ...(options.onBroadcast ? { onBroadcast: options.onBroadcast } : {}),
  });
  attach(httpServer);
  await new Promise<void>((resolve) => httpServer.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(httpServer.address() as AddressInfo).port}`;
  return { io, url, cuts, refusals, close: () => new Promise((resolve) => void io.close(() => resolve())) };
}
