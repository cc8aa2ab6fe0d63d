import type { Socket } from "socket.io";
import type { ClientToServerEvents } from "@socket-server/shared/events";
import type { ClientIdentity } from "./client-identity.js";

export interface GatewaySocketData {
  identity: ClientIdentity;
  /** The socket's subscription requests still being handled, in order (with history only). */
  subscriptions?: Promise<void> | undefined;
}

/** A connected client as the gateway sees it: its identity travels in `socket.data`. */
export type GatewaySocket = Socket<ClientToServerEvents, Record<string, never>, Record<string, never>, GatewaySocketData>;
