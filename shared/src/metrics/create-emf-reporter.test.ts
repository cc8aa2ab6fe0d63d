import { Counter, Gauge, Histogram, Registry } from "prom-client";
import { describe, expect, it } from "vitest";
import { createEmfReporter } from "./create-emf-reporter.js";
import { LATENCY_BUCKETS_SECONDS, METRIC } from "./metric-names.js";

function setup() {
  const registry = new Registry();
  const connections = new Gauge({ name: METRIC.connectionsActive, help: "h", registers: [registry] });
  const published = new Counter({ name: METRIC.messagesPublished, help: "h", labelNames: ["transport"], registers: [registry] });
  const latency = new Histogram({ name: METRIC.deliveryLatency, help: "h", buckets: LATENCY_BUCKETS_SECONDS, registers: [registry] });
  const lines: string[] = [];
  const reporter = createEmfReporter({ registry, serviceName: "socket-gateway-prod", write: (line) => lines.push(line), now: () => 1_700_000_000_000 });
  return { connections, published, latency, lines, reporter };
}

describe("createEmfReporter", () => {
  it("writes one CloudWatch EMF record under namespace SocketServer with the ServiceName dimension", async () => {
    const { connections, lines, reporter } = setup();
    connections.set(42);
    await reporter.flush();
    const record = JSON.parse(lines[0]!);
    expect(record._aws).toEqual({
      Timestamp: 1_700_000_000_000,
      CloudWatchMetrics: [
        {
          Namespace: "SocketServer",
          Dimensions: [["ServiceName"]],
          Metrics: [
            { Name: "ActiveConnections", Unit: "Count" },
            { Name: "MessagesPublished", Unit: "Count" },
          ],
        },
      ],
    });
    expect(record.ServiceName).toBe("socket-gateway-prod");
    expect(record.ActiveConnections).toBe(42);
  });

  it("reports counters as the change since the previous record, summed over labels", async () => {
    const { published, lines, reporter } = setup();
    published.inc({ transport: "http" }, 5);
    published.inc({ transport: "queue" }, 2);
    await reporter.flush();
    published.inc({ transport: "http" }, 3);
    await reporter.flush();
    expect(lines.map((line) => JSON.parse(line).MessagesPublished)).toEqual([7, 3]);
  });

  it("reports the p99 delivery latency of the last interval in milliseconds, as its bucket's upper bound", async () => {
    const { latency, lines, reporter } = setup();
    for (let i = 0; i < 99; i++) latency.observe(0.002);
    latency.observe(0.3);
    await reporter.flush();
    for (let i = 0; i < 100; i++) latency.observe(0.04);
    await reporter.flush();
    const [first, second] = lines.map((line) => JSON.parse(line));
    expect(first.DeliveryLatencyP99).toBe(2.5);
    expect(second.DeliveryLatencyP99).toBe(50);
  });

  it("leaves latency out of an interval without deliveries", async () => {
    const { lines, reporter } = setup();
    await reporter.flush();
    expect(JSON.parse(lines[0]!)).not.toHaveProperty("DeliveryLatencyP99");
  });
});
