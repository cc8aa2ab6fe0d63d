import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { normalizePromql, readAlertRules } from "../prometheus/alert-rules.js";
import { closedLabelValues, defaultProcessMetricNames, isKnownSeries, labelValuesIn, metricNamesIn } from "../prometheus/metric-catalog.js";

// Grafana imports whatever JSON it is given and shows "No data" for a misspelt metric, so the
// dashboard is checked here against the services' metric names and the alert rules.

interface Target {
  refId: string;
  expr: string;
  datasource?: { type?: string; uid?: string };
}
interface Panel {
  id: number;
  type: string;
  title: string;
  datasource?: { type?: string; uid?: string };
  gridPos?: { h: number; w: number; x: number; y: number };
  fieldConfig?: {
    defaults?: {
      unit?: string;
      thresholds?: { steps: Array<{ value: number | null }> };
      custom?: { thresholdsStyle?: { mode?: string } };
    };
  };
  targets?: Target[];
}
interface Dashboard {
  uid: string;
  title: string;
  templating: { list: Array<{ name: string; type: string; query?: string }> };
  panels: Panel[];
}

const here = dirname(fileURLToPath(import.meta.url));
const dashboard = JSON.parse(readFileSync(join(here, "socket-server-dashboard.json"), "utf8")) as Dashboard;
const targets = dashboard.panels.flatMap((panel) => (panel.targets ?? []).map((target) => ({ panel, target })));
// The base step (value null) is the colour below every threshold, not a line.
const thresholdValues = (panel: Panel) =>
  (panel.fieldConfig?.defaults?.thresholds?.steps ?? []).map((step) => step.value).filter((value) => value !== null);

describe("deploy/grafana/socket-server-dashboard.json", () => {
  it("lets the operator pick the Prometheus data source, and every panel and query uses that choice", () => {
    // A hard-coded data source uid breaks the import on every Grafana but the one it came from.
    const variable = dashboard.templating.list.find((entry) => entry.type === "datasource");
    expect(variable?.query).toBe("prometheus");
    const reference = `\${${variable!.name}}`;
    for (const panel of dashboard.panels) expect(panel.datasource, panel.title).toEqual({ type: "prometheus", uid: reference });
    for (const { panel, target } of targets) expect(target.datasource?.uid ?? reference, panel.title).toBe(reference);
  });

  it("queries only metrics the services export or prom-client's default process metrics", async () => {
    const defaults = await defaultProcessMetricNames();
    expect(targets.length).toBeGreaterThan(0);
    for (const { panel, target } of targets) {
      // A query naming no metric at all would pass the loop below; it is a broken query too.
      const names = metricNamesIn(target.expr);
      expect(names.size, `${panel.title}: ${target.expr}`).toBeGreaterThan(0);
      for (const name of names) expect(isKnownSeries(name, defaults), `${panel.title}: ${name}`).toBe(true);
      for (const [label, values] of labelValuesIn(target.expr)) {
        const allowed = closedLabelValues[label];
        if (allowed) for (const value of values) expect(allowed, `${panel.title}: ${label}`).toContain(value);
      }
    }
  });

  it("shows every figure the guide and issue ask for", () => {
    // The guide's table (connections, throughput, errors, latency) and the additions.
    const queried = new Set(targets.flatMap(({ target }) => [...metricNamesIn(target.expr)]));
    for (const name of [
      "socket_server_connections_active",
      "socket_server_messages_published_total",
      "socket_server_messages_delivered_total",
      "socket_server_errors_total",
      "socket_server_delivery_latency_seconds_bucket",
      "socket_server_queue_jobs",
      "socket_server_redis_up",
      "process_cpu_seconds_total",
      "process_resident_memory_bytes",
    ]) {
      expect(queried, name).toContain(name);
    }
    // The latency panel shows the typical delivery next to the alerting one.
    const latency = targets.filter(({ target }) => target.expr.includes("socket_server_delivery_latency_seconds_bucket"));
    expect(latency.map(({ target }) => /histogram_quantile\(([\d.]+)/.exec(target.expr)?.[1]).sort()).toEqual(["0.5", "0.99"]);
  });

  it("draws each alert's own expression with a threshold line at the alert's threshold", () => {
    const rules = readAlertRules();
    expect(rules.length).toBe(3);
    for (const rule of rules) {
      // The panel must plot what the alert evaluates, or the line would sit on another curve.
      const panels = targets.filter(({ target }) => normalizePromql(target.expr) === rule.query).map(({ panel }) => panel);
      expect(panels.length, `a panel plotting ${rule.alert}: ${rule.query}`).toBeGreaterThan(0);
      for (const panel of panels) {
        expect(thresholdValues(panel), panel.title).toEqual([rule.threshold]);
        // With the style "off" the threshold only colours the series; the operator sees no line.
        expect(panel.fieldConfig?.defaults?.custom?.thresholdsStyle?.mode, panel.title).toMatch(/^(line|dashed|line\+area|dashed\+area)$/);
      }
    }
  });

  // Grafana silently drops or overlaps panels with duplicate ids or a grid wider than 24 columns.
  it("gives every panel a unique id and a place on the grid", () => {
    const ids = dashboard.panels.map((panel) => panel.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const panel of dashboard.panels) {
      expect(panel.gridPos, panel.title).toMatchObject({ h: expect.any(Number), w: expect.any(Number), x: expect.any(Number), y: expect.any(Number) });
      expect(panel.gridPos!.x + panel.gridPos!.w, panel.title).toBeLessThanOrEqual(24);
    }
  });
});
