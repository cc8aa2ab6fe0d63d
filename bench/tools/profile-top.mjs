#!/usr/bin/env node
import { readFileSync } from "node:fs";

/**
 * `node bench/tools/profile-top.mjs file.cpuprofile [n]`: the functions with the most self time
 * in a V8 CPU profile (what `--profile` writes), for a first look without opening a flame graph.
 */
const [file, limit = 25] = process.argv.slice(2);
const profile = JSON.parse(readFileSync(file, "utf8"));
const self = new Map();
const byId = new Map(profile.nodes.map((node) => [node.id, node]));
const deltas = profile.timeDeltas;
const counts = new Map();
profile.samples.forEach((id, i) => counts.set(id, (counts.get(id) ?? 0) + (deltas[i] ?? 0)));
let total = 0;
for (const [id, us] of counts) {
  const { functionName, url, lineNumber } = byId.get(id).callFrame;
  const key = `${functionName || "(anonymous)"} ${url.split("/node_modules/").at(-1).split("/").slice(-2).join("/")}:${lineNumber + 1}`;
  self.set(key, (self.get(key) ?? 0) + us);
  total += us;
}
const idle = [...self].filter(([key]) => key.startsWith("(idle)")).reduce((sum, [, us]) => sum + us, 0);
console.log(`total ${(total / 1e6).toFixed(2)} s sampled, ${((total - idle) / 1e6).toFixed(2)} s busy`);
for (const [key, us] of [...self].sort((a, b) => b[1] - a[1]).slice(0, Number(limit))) {
  console.log(`${((us / (total - idle)) * 100).toFixed(1).padStart(5)}%  ${key}`);
}

// Optional: `... file n pattern1,pattern2`: inclusive share of busy time under functions whose
// "name file" matches each pattern (a sample counts once even if the frame recurses).
const patterns = process.argv[4]?.split(",") ?? [];
if (patterns.length) {
  const parent = new Map();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const label = (node) => `${node.callFrame.functionName} ${node.callFrame.url}`;
  for (const pattern of patterns) {
    let under = 0;
    for (const [id, us] of counts) {
      for (let at = id; at !== undefined; at = parent.get(at)) {
        if (label(byId.get(at)).includes(pattern)) {
          under += us;
          break;
        }
      }
    }
    console.log(`inclusive ${((under / (total - idle)) * 100).toFixed(1).padStart(5)}%  ${pattern}`);
  }
}
