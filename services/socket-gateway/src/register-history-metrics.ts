import { Counter, type Registry } from "prom-client";
import { METRIC, RECOVERY_RESULTS } from "@socket-server/shared/metrics";
import type { HistoryObserver } from "./history/create-gateway-history.js";

/** Recoveries on subscribe and gap-fills: how often history had to step in, and whether it could. */
export function registerHistoryMetrics(registry: Registry): HistoryObserver {
  const counter = (name: string, help: string, labelNames: string[] = []) => new Counter({ name, help, labelNames, registers: [registry] });
  const recoveries = counter(METRIC.recoveries, "Subscribes with a position, by result", ["result"]);
  for (const result of RECOVERY_RESULTS) recoveries.inc({ result }, 0);
  const recovered = counter(METRIC.messagesRecovered, "Messages replayed from history to subscribers resuming from a position");
  const gapFills = counter(METRIC.gapFills, "Times this gateway fetched missed messages from history for its sockets");
  const gapFilled = counter(METRIC.messagesGapFilled, "Messages delivered from history because the feed had not brought them");
  const gapLost = counter(METRIC.messagesGapLost, "Messages a gap-fill found gone from history or could not fetch");
  return {
    recovery(result, messages) {
      recoveries.inc({ result });
      if (messages > 0) recovered.inc(messages);
    },
    gapFilled(messages) {
      if (messages === 0) return;
      gapFills.inc();
      gapFilled.inc(messages);
    },
    gapLost: (messages) => gapLost.inc(messages),
  };
}
