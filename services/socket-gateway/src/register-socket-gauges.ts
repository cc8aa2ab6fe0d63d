import { Gauge, type Registry } from "prom-client";
import type { Server } from "socket.io";
import { METRIC } from "@socket-server/shared/metrics";

/** Connected clients and rooms of this gateway, read from its Socket.IO server at each scrape. */
export function registerSocketGauges(registry: Registry, io: Server): void {
  const namespace = io.of("/");
  new Gauge({
    name: METRIC.connectionsActive,
    help: "Connected Socket.IO clients of this instance",
    registers: [registry],
    collect() {
      this.set(namespace.sockets.size);
    },
  });
  new Gauge({
    name: METRIC.roomsActive,
    help: "Rooms with at least one local subscriber (a socket's own id-room not counted)",
    registers: [registry],
    collect() {
      this.set(Math.max(0, namespace.adapter.rooms.size - namespace.adapter.sids.size));
    },
  });
}
