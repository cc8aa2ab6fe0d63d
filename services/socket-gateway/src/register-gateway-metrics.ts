import { Counter, Gauge, Histogram, type Registry } from "prom-client";
import type { Server } from "socket.io";
import { LATENCY_BUCKETS_SECONDS, METRIC } from "@socket-server/shared/metrics";
import type { CutReason } from "./create-socket-server.js";
import type { BroadcastObserver } from "./broadcast-path.js";

const CUT_REASONS: readonly CutReason[] = ["slow_consumer", "event_flood", "token_expired", "protocol_violation"];

/** Connections, rooms, deliveries and delivery latency of this gateway. */
export function registerGatewayMetrics(
  registry: Registry,
  io: Server,
  now: () => number = Date.now,
): { countCut: (reason: CutReason) => void; observeBroadcast: BroadcastObserver } {
  const namespace = io.of("/");
  const cuts = new Counter({
    name: METRIC.clientsDisconnected,
    help: "Clients the gateway disconnected, by reason",
    labelNames: ["reason"],
    registers: [registry],
  });
  for (const reason of CUT_REASONS) cuts.inc({ reason }, 0);
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
  const delivered = new Counter({
    name: METRIC.messagesDelivered,
    help: "Message copies written to sockets",
    registers: [registry],
  });
  const latency = new Histogram({
    name: METRIC.deliveryLatency,
    help: "From the moment the system accepted a message to the moment this gateway finished writing it to its sockets",
    buckets: LATENCY_BUCKETS_SECONDS,
    registers: [registry],
  });
  return {
    countCut: (reason) => cuts.inc({ reason }),
    // Fed by the socket server's one broadcast observer (createSocketServer's `onBroadcast`).
    observeBroadcast: (recipients, meta) => {
      delivered.inc(recipients);
      if (meta && recipients > 0) latency.observe(Math.max(0, now() - meta.ts) / 1000);
    },
  };
}
