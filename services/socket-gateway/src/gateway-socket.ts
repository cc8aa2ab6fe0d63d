import type { Socket } from "socket.io";
import type { ClientToServerEvents } from "@socket-server/shared/events";
import type { ClientIdentity } from "./client-identity.js";

export interface GatewaySocketData {
  identity: ClientIdentity;
}

/** A connected client as the gateway sees it: its identity travels in `socket.data`. */
export type GatewaySocket = Socket<ClientToServerEvents, Record<string, never>, Record<string, never>, GatewaySocketData>;
