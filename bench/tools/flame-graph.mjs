#!/usr/bin/env node
import { readFileSync, writeFileSync } from "node:fs";
import * as vega from "vega";

/**
 * `node bench/tools/flame-graph.mjs file.cpuprofile out.svg [min-share-%]`: a flame graph of a
 * V8 CPU profile (what `--profile` or `--cpu-prof` writes), drawn by vega's partition layout,
 * root at the bottom. Width is busy time (idle left out), frames under `min-share-%` (0.3 by
 * default) are folded into their caller so the labels stay readable.
 */
const [file, out, minShare = "0.3"] = process.argv.slice(2);
if (!file || !out) throw new Error("usage: flame-graph.mjs file.cpuprofile out.svg [min-share-%]");
const profile = JSON.parse(readFileSync(file, "utf8"));

const selfUs = new Map();
profile.samples.forEach((id, i) => selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
const byId = new Map(profile.nodes.map((node) => [node.id, node]));
const isIdle = (node) => node.callFrame.functionName === "(idle)";
const inclusive = new Map();
const total = (node) => {
  if (inclusive.has(node.id)) return inclusive.get(node.id);
  const sum = isIdle(node) ? 0 : (selfUs.get(node.id) ?? 0) + (node.children ?? []).reduce((s, child) => s + total(byId.get(child)), 0);
  inclusive.set(node.id, sum);
  return sum;
};
const root = profile.nodes[0];
const busy = total(root);
const cutoff = (busy * Number(minShare)) / 100;

// Rows for vega's stratify: each kept frame with its own time plus the time of folded children.
const rows = [];
const label = ({ functionName, url, lineNumber }) =>
  `${functionName || "(anonymous)"}${url ? ` ${url.split("/node_modules/").at(-1).split("/").slice(-2).join("/")}:${lineNumber + 1}` : ""}`;
let depth = 0;
(function keep(node, parent, level) {
  depth = Math.max(depth, level);
  const kept = (node.children ?? []).map((id) => byId.get(id)).filter((child) => total(child) >= cutoff);
  const own = total(node) - kept.reduce((s, child) => s + total(child), 0);
  rows.push({ id: node.id, parent, name: node === root ? "all busy time" : label(node.callFrame), own, share: (total(node) / busy) * 100 });
  for (const child of kept) keep(child, node.id, level + 1);
})(root, undefined, 1);

const width = 1400;
const rowHeight = 16;
const spec = {
  $schema: "https://vega.github.io/schema/vega/v6.json",
  width,
  height: depth * rowHeight,
  padding: 5,
  title: { text: `${file.split("/").at(-1)}: ${(busy / 1e6).toFixed(2)} s busy; frames under ${minShare}% folded into their caller`, anchor: "start" },
  data: [{
    name: "frames",
    values: rows,
    transform: [
      { type: "stratify", key: "id", parentKey: "parent" },
      { type: "partition", field: "own", sort: { field: "value", order: "descending" }, size: [width, depth * rowHeight] },
    ],
  }],
  scales: [{ name: "heat", type: "linear", domain: [0, 100], range: ["#fde0a8", "#d7301f"] }],
  marks: [
    {
      type: "rect",
      from: { data: "frames" },
      encode: {
        enter: {
          x: { field: "x0" },
          x2: { field: "x1" },
          // Root at the bottom: vega lays the root out at the top, so flip each row.
          y: { signal: `${depth * rowHeight} - datum.y1` },
          y2: { signal: `${depth * rowHeight} - datum.y0` },
          fill: { scale: "heat", field: "share" },
          stroke: { value: "#ffffff" },
          strokeWidth: { value: 0.5 },
          tooltip: { signal: "datum.name + ' ' + format(datum.share, '.1f') + '%'" },
        },
      },
    },
    {
      type: "text",
      from: { data: "frames" },
      encode: {
        enter: {
          x: { signal: "datum.x0 + 3" },
          y: { signal: `${depth * rowHeight} - (datum.y0 + datum.y1) / 2` },
          baseline: { value: "middle" },
          fontSize: { value: 10 },
          text: { signal: "datum.x1 - datum.x0 > 60 ? datum.name + ' ' + format(datum.share, '.1f') + '%' : ''" },
          limit: { signal: "datum.x1 - datum.x0 - 6" },
        },
      },
    },
  ],
};
const view = new vega.View(vega.parse(spec), { renderer: "none" });
writeFileSync(out, await view.toSVG());
console.log(`wrote ${out}: ${rows.length} frames, ${(busy / 1e6).toFixed(2)} s busy`);
