import type { IncomingMessage, Server as HttpServer } from "node:http";
import { Server, type ServerOptions } from "socket.io";
import type { Logger } from "pino";
import { createTallyLog } from "@socket-server/shared/logging";
import type { BufferingConnection } from "./socket-io-internals/buffered-bytes.js";
import { clientAddress } from "./client-address.js";
import { userRoom } from "./client-identity.js";
import type { ClientAuthenticator } from "./create-client-authenticator.js";
import { createConnectionRateLimiter } from "./create-connection-rate-limiter.js";
import { createConnectionAdmission, type TransportRefusal } from "./create-connection-admission.js";
import { createHandshakeGuard, type FinalRefusal } from "./create-handshake-guard.js";
import { createOriginPolicy } from "./create-origin-check.js";
import { createSlowConsumerGuard } from "./create-slow-consumer-guard.js";
import type { TokenVerifier } from "./create-token-verifier.js";
import { compactClientListenerTables, type ClientEmitters } from "./socket-io-internals/compact-listener-tables.js";
import { cutConnection } from "./socket-io-internals/cut-connection.js";
import type { GatewaySocket } from "./gateway-socket.js";
import { isProtocolViolation } from "./socket-io-internals/is-protocol-violation.js";
import { installBroadcastPath, type BroadcastObserver } from "./socket-io-internals/broadcast-path.js";
import { createClientEventLimit } from "./create-client-event-limit.js";
import { createSubscriptionHandlers } from "./create-subscription-handlers.js";
import { createTokenLifetime } from "./create-token-lifetime.js";
import { createGatewayHistory, type GatewayHistoryOptions } from "./history/create-gateway-history.js";
import type { RoomFeed } from "@socket-server/shared/history";
import { deliverUnsequenced } from "./deliver-unsequenced.js";
import { followHeldRooms } from "./follow-held-rooms.js";
import { releaseHandshake } from "./socket-io-internals/release-handshake.js";
import { releaseUpgradeRequests, type MiddlewareRunningEngine } from "./socket-io-internals/release-upgrade-requests.js";

/** Who may connect and what one client may cost; see docs/security.md. */
export interface ClientPolicy {
  authenticate: ClientAuthenticator;
  /** For `auth:refresh`; absent when the gateway verifies no tokens. */
  verifyToken: TokenVerifier | undefined;
  /** Browser origins allowed; `*` = any; empty = none (clients without an Origin header always may). */
  corsOrigins: readonly string[];
  /** Header a trusted proxy puts the client's address in; absent = the TCP peer. */
  clientIpHeader?: string | undefined;
  maxRoomsPerConnection: number;
  eventsPerSecond: number;
  connectionsPerSecondPerIp: number;
  /** New connections one address may open at once beyond the per-second rate (refilled over 10 s). */
  connectionBurstPerIp: number;
  slowConsumerMaxBytes: number;
  expiryGraceMs: number;
  /** The clock token deadlines are read from, and how often they are swept; tests drive it. */
  tokenClock?: { now?: () => number; tickMs?: number };
}

export type ConnectionRefusal = TransportRefusal | FinalRefusal;

export type CutReason = "slow_consumer" | "event_flood" | "token_expired" | "protocol_violation";

export interface SocketServerDeps {
  logger: Logger;
  maxConnections: number;
  /** True once shutdown began: new handshakes are refused so clients go to another instance. */
  draining: () => boolean;
  clients: ClientPolicy;
  adapter?: ServerOptions["adapter"];
  /** Every refused connection, by reason (a handshake refusal, or an origin not allowed). */
  onRefused?: (code: ConnectionRefusal) => void;
  onCut?: (reason: CutReason) => void;
  /** Called once each broadcast has been written to this gateway's sockets (for metrics). */
  onBroadcast?: BroadcastObserver;
  /** With history on (HISTORY_SIZE > 0): rooms joined at positions, recovery, gap-fill. */
  history?: GatewayHistoryOptions | undefined;
  /**
   * Where messages arrive other than through the adapter: history's announcements, or the rooms'
   * shard channels without history. Needed with `history`.
   */
  feed?: RoomFeed | undefined;
  /** A namespace clients may connect to besides `/`: the Admin UI's, when it is on (admin-ui/). */
  adminNamespace?: string | undefined;
}

// Clients only send subscribe/unsubscribe/auth:refresh; 100 room names or a token fit well within this.
const MAX_CLIENT_MESSAGE_BYTES = 16 * 1024;
// At 10 MB/s into one room a slow client overshoots the cap by at most about 1 MB between sweeps.
const SLOW_CONSUMER_SWEEP_MS = 100;

interface EngineConnection extends BufferingConnection {
  request: IncomingMessage | null;
  id: string;
  on(event: "message", listener: (data: unknown) => void): void;
  once(event: "close", listener: () => void): void;
  close(discard?: boolean): void;
}

/** The gateway's Socket.IO server, built before the HTTP server it will serve on. */
export interface GatewaySocketServer {
  io: Server;
  /** Serves Socket.IO on `httpServer` (it takes `/socket.io/`; everything else reaches the server's own handler). */
  attach(httpServer: HttpServer): void;
}

/**
 * Builds the server unattached, so the single instance's publish API can emit to it before
 * the HTTP server (whose handler that API is part of) exists; engine.io's hooks go in once
 * `attach` has created the engine.
 */
export function createSocketServer(deps: SocketServerDeps): GatewaySocketServer {
  const { logger, maxConnections, draining, adapter, clients, onRefused = () => {}, onCut = () => {}, onBroadcast } = deps;
  const any = clients.corsOrigins.includes("*");
  const io = new Server({
    serveClient: false,
    // Compression would defeat engine.io's encode-once broadcast and costs memory per socket.
    perMessageDeflate: false,
    maxHttpBufferSize: MAX_CLIENT_MESSAGE_BYTES,
    // An engine.io connection that has not completed a handshake after this is closed (default 45 s).
    connectTimeout: 10_000,
    ...(clients.corsOrigins.length > 0 ? { cors: { origin: any ? "*" : [...clients.corsOrigins] } } : {}),
    ...(adapter ? { adapter } : {}),
  });

  const cut = (conn: BufferingConnection, reason: CutReason) => {
    onCut(reason);
    cutConnection(conn);
  };
  const otherNamespaces = new Set(deps.adminNamespace === undefined ? [] : [deps.adminNamespace]);
  // Shared by every connection (`this` is the engine.io socket), not a closure made per connection.
  function checkProtocol(this: EngineConnection, data: unknown) {
    if (isProtocolViolation(data, otherNamespaces)) cut(this, "protocol_violation");
  }

  const handshaking = new WeakSet<object>();
  const originAllowed = createOriginPolicy(clients.corsOrigins);
  // Sessions opened from an origin not allowed, by engine.io id, while they last: read when the
  // session opens, as its request is not kept (below).
  const foreignSessions = new Set<string>();
  const guard = createHandshakeGuard({
    fromAllowedOrigin: (socket) => !foreignSessions.has((socket.conn as unknown as EngineConnection).id),
    authenticate: clients.authenticate,
    onRefused: (code, socket) => {
      onRefused(code);
      // Without this the refused engine.io connection lingers until `connectTimeout`. The
      // CONNECT_ERROR packet is written on the next tick; close once it is on its way.
      setImmediate(() => socket.conn.close());
    },
  });
  io.use((socket, next) => {
    // Socket.IO starts a second handshake if a CONNECT arrives while the first one awaits its
    // token check; that would put two sockets on one connection past MAX_CONNECTIONS.
    if (handshaking.has(socket.conn)) {
      cut(socket.conn as unknown as BufferingConnection, "protocol_violation");
      return next(new Error("one handshake per connection"));
    }
    handshaking.add(socket.conn);
    void guard(socket as GatewaySocket, next);
  });

  // What each connection gets is attached from functions shared by all of them: per-socket
  // closures would stay on every idle connection for its life (bench/README.md, "Memory per idle connection").
  // Connects and disconnects (by reason) summed up once per 10 s at `info`: a wave of reconnects
  // shows at the default level without a line per client.
  const tallyClients = createTallyLog(logger, { field: "clients", describe: (total) => `${total} client connect(s) and disconnect(s)` });
  function forgetHandshake(this: GatewaySocket, reason: string) {
    handshaking.delete(this.conn);
    tallyClients(`disconnected: ${reason}`);
  }
  const limitEvents = createClientEventLimit({
    perSecond: clients.eventsPerSecond,
    onFlood: (socket) => {
      onCut("event_flood");
      // `io server disconnect`: the client does not reconnect on its own, unlike after a cut.
      socket.disconnect(true);
    },
    onViolation: (socket) => cut(socket.conn as unknown as BufferingConnection, "protocol_violation"),
  });
  const { feed } = deps;
  if (deps.history && !feed) throw new Error("a gateway with history needs the feed its messages are announced on");
  const history = deps.history && feed && createGatewayHistory(io, { ...deps.history, feed });
  const handleSubscriptions = createSubscriptionHandlers({
    maxRooms: clients.maxRoomsPerConnection,
    subscribeRoom: history?.subscribeRoom,
    follow: history ? undefined : feed?.follow,
  });
  if (feed) {
    feed.listen(history ? history.listener : deliverUnsequenced(io));
    followHeldRooms(io, feed, logger);
  }
  const limitLifetime = createTokenLifetime({
    verifyToken: clients.verifyToken,
    graceMs: clients.expiryGraceMs,
    ...clients.tokenClock,
    // A transport close, so the client reconnects and its `auth` callback fetches a fresh token.
    onExpired: (socket) => {
      onCut("token_expired");
      socket.conn.close();
    },
  });

  io.on("connection", (raw) => {
    const socket = raw as GatewaySocket;
    const { sub } = socket.data.identity;
    if (sub !== undefined) void socket.join(userRoom(sub));
    socket.on("disconnect", forgetHandshake);
    limitEvents(socket);
    handleSubscriptions(socket);
    limitLifetime(socket);
    logger.debug({ socketId: socket.id, sub }, "client connected");
    tallyClients("connected");
    releaseHandshake(socket);
    // Last, once every listener of the connection is in place.
    compactClientListenerTables({ socket, conn: socket.conn as unknown as ClientEmitters["conn"] });
  });

  const guardSlow = createSlowConsumerGuard({
    maxBytes: clients.slowConsumerMaxBytes,
    intervalMs: SLOW_CONSUMER_SWEEP_MS,
    onSlow: (conn, bytes) => {
      logger.warn({ bufferedBytes: bytes }, "slow consumer disconnected");
      cut(conn, "slow_consumer");
    },
  });
  installBroadcastPath(io.of("/").adapter as never, {
    observe: (recipients, meta) => onBroadcast?.(recipients, meta),
    touch: guardSlow.touch,
  });

  function attach(httpServer: HttpServer) {
    io.attach(httpServer);
    io.engine.use(
      createConnectionAdmission({
        originAllowed,
        // `clients` is engine.io's documented table of sessions by id (typed protected).
        admittedSession: (sid) => sid in (io.engine as unknown as { clients: Record<string, unknown> }).clients && !foreignSessions.has(sid),
        draining,
        rateLimit: createConnectionRateLimiter({ perSecond: clients.connectionsPerSecondPerIp, burst: clients.connectionBurstPerIp }),
        addressOf: (request) => clientAddress(request, clients.clientIpHeader),
        maxConnections,
        connections: () => io.engine.clientsCount,
        onRefused,
      }),
    );
    releaseUpgradeRequests(io.engine as unknown as MiddlewareRunningEngine);
    io.engine.on("connection", (raw: EngineConnection) => {
      if (raw.request && !originAllowed(raw.request.headers)) {
        foreignSessions.add(raw.id);
        raw.once("close", () => foreignSessions.delete(raw.id));
      }
      // The handshake request (headers, buffers) would otherwise stay referenced for the life of
      // every connection (releaseUpgradeRequests drops engine.io's other reference to it).
      raw.request = null;
      raw.on("message", checkProtocol);
    });
    httpServer.once("close", guardSlow.stop);
  }

  return { io, attach };
}
