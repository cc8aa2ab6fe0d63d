#!/usr/bin/env node
import { sleep } from "../lib/clock.mjs";
import { startFleet } from "../lib/client-fleet.mjs";
import { CLIENT_CORE, installCleanup, pinSelf } from "../lib/processes.mjs";
import { startSnapshottingServer } from "../lib/snapshotting-server.mjs";

/**
 * `node bench/experiments/retainers-of.mjs [gateway|stock] [connections] [Constructor]`: why
 * objects of one kind stay alive. Connects idle clients, takes a heap snapshot of the server and
 * prints, for the objects named `Constructor` (default IncomingMessage; or closures by function
 * name, `native_bind` for bound functions), the shortest
 * strong-reference paths from the GC roots, grouped so that a path shared by every connection
 * shows once with its count. Written to find what kept each handshake request alive.
 */
installCleanup(300_000);
pinSelf(CLIENT_CORE);
const [name = "gateway", count = "200", wanted = "IncomingMessage"] = process.argv.slice(2);
const { server, snapshot, stop } = await startSnapshottingServer(name);
const fleet = await startFleet({ processes: 1 });
await fleet.connect({ server, total: Number(count), cohort: 0, smallRooms: 10 });
await sleep(2_000);
const snap = await snapshot();
report(snap);
await fleet.close();
await stop();
process.exit(0);

function report(snap) {
  const meta = snap.snapshot.meta;
  const nodeWidth = meta.node_fields.length;
  const edgeWidth = meta.edge_fields.length;
  const [nodeTypes] = meta.node_types;
  const [edgeTypes] = meta.edge_types;
  const nf = Object.fromEntries(meta.node_fields.map((f, i) => [f, i]));
  const ef = Object.fromEntries(meta.edge_fields.map((f, i) => [f, i]));
  const { nodes, edges, strings } = snap;
  const nodeCount = nodes.length / nodeWidth;
  const firstEdge = new Uint32Array(nodeCount + 1);
  for (let n = 0, e = 0; n < nodeCount; n++) {
    firstEdge[n] = e;
    e += nodes[n * nodeWidth + nf.edge_count] * edgeWidth;
    firstEdge[n + 1] = e;
  }
  const label = (n) => {
    const type = nodeTypes[nodes[n * nodeWidth + nf.type]];
    const nodeName = strings[nodes[n * nodeWidth + nf.name]];
    return type === "object" || type === "closure" ? `${type === "closure" ? "fn " : ""}${nodeName}` : `(${type}) ${nodeName.slice(0, 40)}`;
  };
  const edgeName = (e) => {
    const type = edgeTypes[edges[e + ef.type]];
    const nameOrIndex = edges[e + ef.name_or_index];
    return type === "element" || type === "hidden" ? `[${nameOrIndex}]` : `.${strings[nameOrIndex]}`;
  };
  // Breadth-first from the root over strong edges: distance, and one parent edge on a shortest path.
  const distance = new Int32Array(nodeCount).fill(-1);
  const parent = new Int32Array(nodeCount).fill(-1);
  const parentEdge = new Int32Array(nodeCount).fill(-1);
  distance[0] = 0;
  const queue = [0];
  for (let q = 0; q < queue.length; q++) {
    const n = queue[q];
    for (let e = firstEdge[n]; e < firstEdge[n + 1]; e += edgeWidth) {
      if (edgeTypes[edges[e + ef.type]] === "weak") continue;
      const to = edges[e + ef.to_node] / nodeWidth;
      if (distance[to] !== -1) continue;
      distance[to] = distance[n] + 1;
      parent[to] = n;
      parentEdge[to] = e;
      queue.push(to);
    }
  }
  const paths = new Map();
  let found = 0;
  for (let n = 0; n < nodeCount; n++) {
    // Objects by constructor; closures by function name (`native_bind` for bound functions).
    if (!["object", "closure"].includes(nodeTypes[nodes[n * nodeWidth + nf.type]]) || strings[nodes[n * nodeWidth + nf.name]] !== wanted) continue;
    found++;
    const steps = [];
    for (let at = n; at > 0 && parent[at] !== -1; at = parent[at]) steps.unshift(`${label(parent[at])} ${edgeName(parentEdge[at])}`);
    // Element indices and engine.io ids differ between connections; drop them to group paths.
    const path = distance[n] === -1 ? "(only weakly reachable)" : steps.join("\n    -> ").replace(/\[\d+\]/g, "[i]").replace(/\.[\w-]{20}$/gm, ".<sid>");
    paths.set(path, (paths.get(path) ?? 0) + 1);
  }
  console.log(`${name}: ${found} ${wanted} objects with ${count} clients connected`);
  for (const [path, times] of [...paths].sort((a, b) => b[1] - a[1]).slice(0, 8)) console.log(`\n${times} x\n    ${path}`);
}
