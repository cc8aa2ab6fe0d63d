import { hostname } from "node:os";
import { instrument } from "@socket.io/admin-ui";
import bcrypt from "bcryptjs";
import type { Hono } from "hono";
import type { Server } from "socket.io";
import type { AdminCredentials } from "@socket-server/shared/config";
import { cutConnection } from "../socket-io-internals/cut-connection.js";
import type { BufferingConnection } from "../socket-io-internals/buffered-bytes.js";
import { createAdminUiApp } from "./create-admin-ui-app.js";

/** `production`: counts and charts only; `development`: every socket, room and event too (docs/security.md, "Admin views"). */
export type AdminUiMode = "production" | "development";

export interface AdminUiDeps {
  credentials: AdminCredentials;
  mode: AdminUiMode;
  /** How this instance is named among the fleet's in the UI. */
  serverId?: string;
}

export interface AdminUi {
  /** The Socket.IO namespace the UI's page connects to (not an HTTP path). */
  namespace: string;
  /** The UI's page and files, under `/admin/`. */
  app: Hono;
  /** Adds the admin namespace and its listeners; once the server is attached, so that it sees the engine. */
  instrument(io: Server): void;
}

export const ADMIN_NAMESPACE = "/admin";

// The hash never leaves the process and its password sits beside it in the environment: a work
// factor would protect nothing and cost CPU on every login attempt anyone makes. 4 is bcrypt's least.
const BCRYPT_ROUNDS = 4;

/**
 * Socket.IO's Admin UI (@socket.io/admin-ui), always read-only: it could otherwise emit to
 * rooms, bypassing the publish API and history, and join sockets to rooms no `subscribe` granted.
 * Its namespace checks the credentials itself (`io.use` guards `/` only); each engine.io
 * connection gets one attempt, as for `/`, so guessing costs a new connection each time and meets
 * the per-address connection limits.
 */
export function createAdminUi({ credentials, mode, serverId = `${hostname()}#${process.pid}` }: AdminUiDeps): AdminUi {
  const password = bcrypt.hashSync(credentials.password, BCRYPT_ROUNDS);
  return {
    namespace: ADMIN_NAMESPACE,
    app: createAdminUiApp(),
    instrument(io) {
      const attempted = new WeakSet<object>();
      // Runs before the UI's own check, which `instrument` adds after it.
      io.of(ADMIN_NAMESPACE).use((socket, next) => {
        if (!attempted.has(socket.conn)) {
          attempted.add(socket.conn);
          return next();
        }
        cutConnection(socket.conn as unknown as BufferingConnection);
        next(new Error("one handshake per connection"));
      });
      instrument(io, {
        namespaceName: ADMIN_NAMESPACE,
        auth: { type: "basic", username: credentials.username, password },
        readonly: true,
        mode,
        serverId,
      });
    },
  };
}
