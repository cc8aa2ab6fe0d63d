import type { MetricObjectWithValues, MetricValue, Registry } from "prom-client";
import { METRIC } from "./metric-names.js";

export interface EmfReporterDeps {
  registry: Registry;
  /** The `ServiceName` dimension; the guide's dashboard selects on it. */
  serviceName: string;
  write?: (line: string) => void;
  now?: () => number;
}

export interface EmfReporter {
  /** Writes one EMF line with the figures since the previous flush. */
  flush(): Promise<void>;
  /** Flushes every `intervalMs`; returns a stop function. */
  start(intervalMs?: number): () => void;
}

type Values = MetricObjectWithValues<MetricValue<string>>;

const COUNTERS = [
  { metric: METRIC.messagesPublished, name: "MessagesPublished" },
  { metric: METRIC.messagesDelivered, name: "MessagesDelivered" },
  { metric: METRIC.errors, name: "Errors" },
] as const;

/**
 * CloudWatch Embedded Metric Format on stdout: the container's log stream is enough for
 * CloudWatch to chart the guide's figures, with no agent and no Prometheus.
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch_Embedded_Metric_Format_Specification.html
 */
export function createEmfReporter({ registry, serviceName, write = (line) => process.stdout.write(`${line}\n`), now = Date.now }: EmfReporterDeps): EmfReporter {
  const previousTotals = new Map<string, number>();
  let previousBuckets = new Map<number, number>();

  async function read(name: string): Promise<Values | undefined> {
    return (await registry.getSingleMetric(name)?.get()) as Values | undefined;
  }

  function delta(name: string, total: number): number {
    const change = total - (previousTotals.get(name) ?? 0);
    previousTotals.set(name, total);
    return Math.max(0, change);
  }

  async function latencyP99Ms(): Promise<number | undefined> {
    const histogram = await read(METRIC.deliveryLatency);
    if (!histogram) return undefined;
    const buckets = new Map<number, number>();
    for (const value of histogram.values) {
      if ((value as { metricName?: string }).metricName?.endsWith("_bucket")) {
        const le = value.labels.le === "+Inf" ? Infinity : Number(value.labels.le);
        buckets.set(le, (buckets.get(le) ?? 0) + value.value);
      }
    }
    const window = [...buckets].map(([le, count]) => [le, count - (previousBuckets.get(le) ?? 0)] as const).sort((a, b) => a[0] - b[0]);
    previousBuckets = buckets;
    const total = window.at(-1)?.[1] ?? 0;
    if (total <= 0) return undefined;
    // The upper bound of the bucket holding the 99th percentile, as Prometheus would bound it.
    const bound = window.find(([, count]) => count >= total * 0.99)?.[0] ?? Infinity;
    const finite = Number.isFinite(bound) ? bound : (window.at(-2)?.[0] ?? 0);
    return finite * 1000;
  }

  async function flush() {
    const figures: Array<{ name: string; unit: string; value: number }> = [];
    const connections = await read(METRIC.connectionsActive);
    if (connections) figures.push({ name: "ActiveConnections", unit: "Count", value: sum(connections) });
    for (const { metric, name } of COUNTERS) {
      const values = await read(metric);
      if (values) figures.push({ name, unit: "Count", value: delta(metric, sum(values)) });
    }
    const p99 = await latencyP99Ms();
    if (p99 !== undefined) figures.push({ name: "DeliveryLatencyP99", unit: "Milliseconds", value: p99 });

    const record: Record<string, unknown> = {
      _aws: {
        Timestamp: now(),
        CloudWatchMetrics: [
          {
            Namespace: "SocketServer",
            Dimensions: [["ServiceName"]],
            Metrics: figures.map(({ name, unit }) => ({ Name: name, Unit: unit })),
          },
        ],
      },
      ServiceName: serviceName,
    };
    for (const { name, value } of figures) record[name] = value;
    write(JSON.stringify(record));
  }

  return {
    flush,
    start(intervalMs = 60_000) {
      const timer = setInterval(() => void flush().catch(() => {}), intervalMs);
      timer.unref();
      return () => clearInterval(timer);
    },
  };
}

function sum(metric: Values): number {
  return metric.values.reduce((total, value) => total + value.value, 0);
}
