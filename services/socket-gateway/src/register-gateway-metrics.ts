import { Counter, Histogram, type Registry } from "prom-client";
import { LATENCY_BUCKETS_SECONDS, METRIC, REFUSAL_REASONS } from "@socket-server/shared/metrics";
import type { ConnectionRefusal, CutReason } from "./create-socket-server.js";
import type { BroadcastObserver } from "./socket-io-internals/broadcast-path.js";

const CUT_REASONS: readonly CutReason[] = ["slow_consumer", "event_flood", "token_expired", "protocol_violation"];

export interface GatewayMetrics {
  countCut: (reason: CutReason) => void;
  countRefusal: (reason: ConnectionRefusal) => void;
  observeBroadcast: BroadcastObserver;
}

/**
 * Cuts, deliveries and delivery latency of this gateway: what the socket server reports as it
 * happens, so these exist before it does (its connection and room gauges: registerSocketGauges).
 */
export function registerGatewayMetrics(registry: Registry, now: () => number = Date.now): GatewayMetrics {
  const cuts = new Counter({
    name: METRIC.clientsDisconnected,
    help: "Clients the gateway disconnected, by reason",
    labelNames: ["reason"],
    registers: [registry],
  });
  for (const reason of CUT_REASONS) cuts.inc({ reason }, 0);
  const refusals = new Counter({
    name: METRIC.connectionsRefused,
    help: "Connections refused, by reason (handshake refusals and origins not allowed)",
    labelNames: ["reason"],
    registers: [registry],
  });
  for (const reason of REFUSAL_REASONS) refusals.inc({ reason }, 0);
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
    countRefusal: (reason) => refusals.inc({ reason }),
    // Fed by the socket server's one broadcast observer (createSocketServer's `onBroadcast`).
    observeBroadcast: (recipients, meta) => {
      delivered.inc(recipients);
      if (meta && recipients > 0) latency.observe(Math.max(0, now() - meta.ts) / 1000);
    },
  };
}
