import { Counter, Gauge, type Registry } from "prom-client";
import { METRIC, RECOVERY_RESULTS } from "@socket-server/shared/metrics";
import type { HistoryObserver } from "./history/create-gateway-history.js";

/**
 * Recoveries on subscribe and gap-fills: how often history had to step in, and whether it could.
 * With `stats` (the single instance's memory history) also what history holds; a fleet's is
 * Redis memory, which Redis reports itself (docs/history.md has the cost per room).
 */
export function registerHistoryMetrics(registry: Registry, stats?: () => { rooms: number; messages: number }): HistoryObserver {
  if (stats) {
    const gauge = (name: string, help: string, read: (held: { rooms: number; messages: number }) => number) =>
      new Gauge({
        name,
        help,
        registers: [registry],
        collect() {
          this.set(read(stats()));
        },
      });
    gauge(METRIC.historyRooms, "Rooms with history in this process", (held) => held.rooms);
    gauge(METRIC.historyMessages, "Messages kept in this process's history", (held) => held.messages);
  }
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
