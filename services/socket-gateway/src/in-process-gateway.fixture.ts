import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { pino } from "pino";
import type { Server } from "socket.io";
import type { AdminUi } from "./admin-ui/create-admin-ui.js";
import { createClientAuthenticator } from "./create-client-authenticator.js";
import { createSocketServer, type ClientPolicy, type CutReason } from "./create-socket-server.js";
import type { BroadcastObserver } from "./socket-io-internals/broadcast-path.js";
import { createTokenVerifier } from "./create-token-verifier.js";
import { TEST_JWT_SECRET } from "../../../test/support/tokens.js";
import { createLocalFeed, createMemoryHistory, type HistorySettings } from "@socket-server/shared/history";
import { createHistoryRoomEmitter, createPublisher, type Publisher } from "@socket-server/shared/publishing";

export interface InProcessGatewayOptions extends Partial<Omit<ClientPolicy, "authenticate" | "verifyToken">> {
  maxConnections?: number;
  draining?: () => boolean;
  /** Grants of clients without a token; omit to refuse them. */
  anonymousRooms?: string[];
  onBroadcast?: BroadcastObserver;
  /** History in memory, as the single instance keeps it; `publisher` then publishes through it. */
  history?: HistorySettings & { maxRecoveryMessages?: number };
  /** Socket.IO's Admin UI, instrumented once the server is attached, as main.ts does. */
  adminUi?: AdminUi;
}

export interface InProcessGateway {
  io: Server;
  url: string;
  cuts: CutReason[];
  refusals: string[];
  /** With `history`: publishes as the single instance's publish API does. */
  publisher: Publisher | undefined;
  close(): Promise<void>;
}

/** The gateway's Socket.IO server on a free port in this process, verifying tokens signed with TEST_JWT_SECRET. */
export async function startInProcessGateway(options: InProcessGatewayOptions = {}): Promise<InProcessGateway> {
  // /health answers so that a proxy in front (test/support/nginx.ts) can tell it is up.
  const httpServer = createServer((request, response) => void response.writeHead(request.url === "/health" ? 200 : 404).end());
  const verifyToken = createTokenVerifier({ key: { kind: "secret", secret: TEST_JWT_SECRET } });
  const cuts: CutReason[] = [];
  const refusals: string[] = [];
  const feed = createLocalFeed();
  const history = options.history && createMemoryHistory({ settings: options.history, onAppend: feed.announce });
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
      connectionBurstPerIp: options.connectionBurstPerIp ?? 0,
      slowConsumerMaxBytes: options.slowConsumerMaxBytes ?? 1024 * 1024,
      expiryGraceMs: options.expiryGraceMs ?? 30_000,
      tokenClock: options.tokenClock,
    },
    onRefused: (code) => refusals.push(code),
    onCut: (reason) => cuts.push(reason),
    ...(options.onBroadcast ? { onBroadcast: options.onBroadcast } : {}),
    adminNamespace: options.adminUi?.namespace,
    history: history && {
      history,
      historySize: options.history!.size,
      maxRecoveryMessages: options.history!.maxRecoveryMessages ?? 300,
    },
    feed: history && feed,
  });
  attach(httpServer);
  options.adminUi?.instrument(io);
  await new Promise<void>((resolve) => httpServer.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(httpServer.address() as AddressInfo).port}`;
  const publisher = history && createPublisher({ emitter: createHistoryRoomEmitter(history) });
  return { io, url, cuts, refusals, publisher, close: () => new Promise((resolve) => void io.close(() => resolve())) };
}
