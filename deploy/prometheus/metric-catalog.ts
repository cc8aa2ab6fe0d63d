import { collectDefaultMetrics, Registry } from "prom-client";
import { ERROR_KINDS, LATENCY_BUCKETS_SECONDS, METRIC, RECOVERY_RESULTS } from "../../shared/src/metrics/metric-names.js";

// What the services export, from the code's own list of names (shared/src/metrics). Alert rules
// and dashboards are plain text the compiler never sees, so their tests check every name and
// label value they use against this catalog.

export type MetricType = "counter" | "gauge" | "histogram";

// Keyed by METRIC's keys: a metric added to the code without a type here fails the type check.
const types: Record<keyof typeof METRIC, MetricType> = {
  connectionsActive: "gauge",
  roomsActive: "gauge",
  messagesDelivered: "counter",
  deliveryLatency: "histogram",
  messagesPublished: "counter",
  errors: "counter",
  httpRequests: "counter",
  queueJobs: "gauge",
  jobDuration: "histogram",
  jobAttempts: "histogram",
  jobs: "counter",
  redisUp: "gauge",
  clientsDisconnected: "counter",
  connectionsRefused: "counter",
  recoveries: "counter",
  messagesRecovered: "counter",
  gapFills: "counter",
  messagesGapFilled: "counter",
  messagesGapLost: "counter",
  historyRooms: "gauge",
  historyMessages: "gauge",
};

export const applicationMetrics: Record<string, MetricType> = Object.fromEntries(
  Object.entries(METRIC).map(([key, name]) => [name, types[key as keyof typeof METRIC]]),
);

/** Labels whose values come from closed sets, with those sets. */
export const closedLabelValues: Record<string, readonly string[]> = {
  service: ["socket-gateway", "publish-api", "worker"],
  transport: ["http", "queue"],
  kind: ERROR_KINDS,
  status: ["2xx", "4xx", "5xx"],
  state: ["waiting", "delayed", "active", "failed"],
  outcome: ["completed", "failed", "retried"],
  result: RECOVERY_RESULTS,
};

export const deliveryLatencyBuckets: readonly number[] = LATENCY_BUCKETS_SECONDS;

/** The error kinds the guide's 1% error ratio counts: failures a publisher sees. */
export const errorRatioKinds = ["publish_unavailable", "internal"];

/** Names of prom-client's default process metrics, taken from prom-client itself so a new version cannot drift. */
export async function defaultProcessMetricNames(): Promise<Set<string>> {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const metrics = await registry.getMetricsAsJSON();
  return new Set(metrics.map((metric) => metric.name));
}

/** A series name is known if it is a metric, or one of the series a histogram is exposed as. */
export function isKnownSeries(name: string, defaults: Set<string>): boolean {
  if (applicationMetrics[name] || defaults.has(name)) return true;
  const base = name.replace(/_(bucket|sum|count)$/, "");
  return base !== name && applicationMetrics[base] === "histogram";
}

const PROMQL_WORDS = new Set([
  ...["by", "without", "on", "ignoring", "group_left", "group_right", "bool", "offset", "and", "or", "unless", "inf", "nan"],
  ...["sum", "min", "max", "avg", "group", "stddev", "stdvar", "count", "count_values", "bottomk", "topk", "quantile", "limitk"],
]);

/**
 * Metric names a PromQL expression selects. A sketch of the grammar, enough for rules and panel
 * queries: strings, label matchers, ranges and label lists are removed first, then every
 * identifier that is neither a keyword nor called like a function is a metric name.
 */
export function metricNamesIn(expr: string): Set<string> {
  const bare = expr
    .replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'/g, '""')
    .replace(/\{[^}]*\}/g, " ")
    .replace(/\[[^\]]*\]/g, " ")
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, " ")
    .replace(/\$\w+/g, " ");
  const names = new Set<string>();
  for (const match of bare.matchAll(/(?<![\w.$])[A-Za-z_:][\w:]*/g)) {
    const rest = bare.slice(match.index + match[0].length);
    if (PROMQL_WORDS.has(match[0].toLowerCase()) || /^\s*\(/.test(rest)) continue;
    names.add(match[0]);
  }
  return names;
}

/** Every `label="a"` or `label=~"a|b"` matcher in an expression, as label -> values named. */
export function labelValuesIn(expr: string): Map<string, Set<string>> {
  const found = new Map<string, Set<string>>();
  for (const [, label, value] of expr.matchAll(/(\w+)\s*(?:=~|!~|=|!=)\s*"([^"]*)"/g)) {
    const values = found.get(label!) ?? new Set<string>();
    for (const part of value!.split("|")) if (part) values.add(part);
    found.set(label!, values);
  }
  return found;
}
