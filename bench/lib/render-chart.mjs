import * as vega from "vega";
import * as vegaLite from "vega-lite";

/**
 * One SVG, drawn by vega-lite headless: fan-out latency percentiles per server and payload, and
 * throughput per server (deliveries one server core can make, from CPU per delivery; the
 * small-rooms knee where measured), and the publish API's and queue path's against their own
 * baselines. Each throughput row has its own scale: the units differ.
 */
export async function renderChart({ targets, startedAt, publishApi, queuePath }) {
  const latency = [];
  const throughput = [];
  for (const [name, entry] of Object.entries(targets)) {
    for (const [size, fan] of Object.entries(entry.fanout ?? {})) {
      for (const p of ["p50", "p99", "max"]) {
        const value = fan.summary[p].median;
        if (value !== null) latency.push({ server: entry.label, payload: `${size} B`, percentile: p, ms: value });
      }
      const us = fan.summary.cpuUsPerDelivery.median;
      if (us) throughput.push({ server: entry.label, measure: `fan-out ${size} B, per core-second`, value: Math.round(1e6 / us) });
    }
    const knee = entry.smallRooms?.knee;
    if (knee) throughput.push({ server: entry.label, measure: "small rooms, at the knee", value: Math.round(knee.deliveriesPerSecond) });
    const sat = entry.saturation?.knee;
    if (sat) throughput.push({ server: entry.label, measure: "big room, at the knee", value: Math.round(sat.deliveriesPerSecond) });
  }
  const against = (measure, pairs) => {
    for (const [server, value] of pairs) if (value) throughput.push({ server, measure, value: Math.round(value) });
  };
  if (publishApi?.steps) {
    against("publish API, accepted/s (all 202)", [["bare publish route", publishApi.floor?.maxAcceptedPerSecond], ["publish-api, history off", publishApi.historyOff?.maxAcceptedPerSecond], [publishApi.historyOff ? "publish-api, history on" : "publish-api", publishApi.maxAcceptedPerSecond]]);
  }
  if (queuePath?.steps) against("queue path, jobs/s at the knee", [[queuePath.baseline?.label, queuePath.baseline?.kneeRate], [queuePath.label, queuePath.kneeRate]]);
  const color = { field: "server", type: "nominal", legend: { orient: "bottom", labelLimit: 300 } };
  const spec = {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    title: `socket-server benchmark ${startedAt.slice(0, 16)}`,
    vconcat: [
      {
        title: "Big-room fan-out latency (ms, median of runs)",
        data: { values: latency },
        mark: "bar",
        encoding: {
          column: { field: "payload", type: "nominal", title: null },
          x: { field: "percentile", type: "nominal", sort: ["p50", "p99", "max"], title: null },
          xOffset: { field: "server" },
          y: { field: "ms", type: "quantitative", title: "ms" },
          color,
        },
        width: 260,
        height: 180,
      },
      {
        title: "Throughput (higher is better)",
        data: { values: throughput },
        mark: "bar",
        encoding: {
          row: { field: "measure", type: "nominal", title: null, header: { labelAngle: 0, labelAlign: "left", labelLimit: 300 } },
          y: { field: "server", type: "nominal", title: null },
          x: { field: "value", type: "quantitative", title: "per second" },
          color,
        },
        width: 420,
        height: 60,
        resolve: { scale: { x: "independent", y: "independent" } },
      },
    ].filter((panel) => panel.data.values.length > 0),
  };
  const view = new vega.View(vega.parse(vegaLite.compile(spec).spec), { renderer: "none" });
  return view.toSVG();
}
