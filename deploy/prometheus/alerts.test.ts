import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { GatewayConfigSchema } from "../../services/socket-gateway/src/config.js";
import { readAlertRules } from "./alert-rules.js";
import { ensureTool } from "../../test/support/ensure-tool.js";
import {
  closedLabelValues,
  defaultProcessMetricNames,
  deliveryLatencyBuckets,
  errorRatioKinds,
  isKnownSeries,
  labelValuesIn,
  metricNamesIn,
} from "./metric-catalog.js";

// The rules are checked twice over: by promtool, which evaluates them as Prometheus would, and
// here, against the code that produces the series they read.

const here = dirname(fileURLToPath(import.meta.url));
const rules = readAlertRules();
const rule = (name: string) => {
  const found = rules.find((candidate) => candidate.alert === name);
  if (!found) throw new Error(`alerts.yml has no alert ${name}`);
  return found;
};

/** Runs promtool from Debian's `prometheus` package (which .ci/run installs); never a skip. */
function promtool(...args: string[]): { status: number | null; output: string } {
  const binary = ensureTool({ candidates: ["promtool"], versionArgs: ["--version"], debianPackage: "prometheus" });
  const result = spawnSync(binary, args, { cwd: here, encoding: "utf8", timeout: 30_000 });
  if (result.error) {
    throw new Error(
      `cannot run promtool (${result.error.message}): install it with \`apt-get install prometheus\` ` +
        "(Debian/Ubuntu; .ci/run does this) or put Prometheus's promtool on PATH",
    );
  }
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

describe("deploy/prometheus/alerts.yml", () => {
  it("passes promtool's rule check", () => {
    // Catches PromQL syntax errors, bad durations and template errors in annotations.
    const { status, output } = promtool("check", "rules", "alerts.yml");
    expect(status, output).toBe(0);
    expect(output).toContain(`SUCCESS: ${rules.length} rules found`);
  });

  it("fires and stays quiet exactly as the promtool unit tests in alerts.test.yml expect", () => {
    const { status, output } = promtool("test", "rules", "alerts.test.yml");
    expect(status, output).toBe(0);
    // Every alert must be exercised: an alert the unit tests never name is untested.
    const tests = readFileSync(join(here, "alerts.test.yml"), "utf8");
    for (const { alert } of rules) expect(tests, alert).toContain(`alertname: ${alert}`);
  });

  it("queries only metrics the services export", async () => {
    const defaults = await defaultProcessMetricNames();
    const used = rules.flatMap(({ expr }) => [...metricNamesIn(expr)]);
    // The extractor must see something, or this check would pass on any expression.
    expect(used).toContain("socket_server_connections_active");
    for (const name of used) expect(isKnownSeries(name, defaults), name).toBe(true);
  });

  // A matcher on a value no service emits (kind="unavailable") selects nothing, and the alert
  // silently never fires.
  it("matches labels only against values the services can emit", () => {
    for (const { alert, expr } of rules) {
      for (const [label, values] of labelValuesIn(expr)) {
        const allowed = closedLabelValues[label];
        if (allowed) for (const value of values) expect(allowed, `${alert}: ${label}="${value}"`).toContain(value);
      }
    }
  });

  it("alerts when a gateway reaches its default MAX_CONNECTIONS, the guide's 10,000", () => {
    const { query, operator, threshold } = rule("SocketServerConnectionsAtLimit");
    expect(threshold).toBe(GatewayConfigSchema.parse({ ALLOW_ANONYMOUS: "true" }).MAX_CONNECTIONS);
    expect(threshold).toBe(10_000);
    // The gateway never holds more than its cap, so "greater than" could never fire.
    expect(operator).toBe(">=");
    // Per instance: no aggregation that would add gateways together.
    expect(query).toBe("socket_server_connections_active");
  });

  it("alerts when more than 1% of publish attempts fail, counting only publish failures", () => {
    const { query, threshold } = rule("SocketServerErrorRatioHigh");
    expect(threshold).toBe(0.01);
    // Failed jobs and refused handshakes are not publish attempts; counting them would page on load.
    const kinds = labelValuesIn(query).get("kind");
    expect([...(kinds ?? [])].sort()).toEqual([...errorRatioKinds].sort());
    expect(metricNamesIn(query)).toEqual(new Set(["socket_server_errors_total", "socket_server_messages_published_total"]));
  });

  it("alerts when the p99 delivery latency is over 100 ms, at a bucket boundary so the quantile is exact there", () => {
    const { query, threshold } = rule("SocketServerDeliveryLatencyHigh");
    expect(threshold).toBe(0.1);
    expect(deliveryLatencyBuckets).toContain(threshold);
    // p99 over the buckets, not an average: a few slow deliveries are what the guide warns about.
    expect(query).toMatch(/^histogram_quantile\(0\.99,/);
    expect(metricNamesIn(query)).toEqual(new Set(["socket_server_delivery_latency_seconds_bucket"]));
  });
});
