#!/usr/bin/env node
import { sleep } from "../lib/clock.mjs";
import { startFleet } from "../lib/client-fleet.mjs";
import { CLIENT_CORE, installCleanup, pinSelf } from "../lib/processes.mjs";
import { startSnapshottingServer } from "../lib/snapshotting-server.mjs";

/**
 * `node bench/experiments/heap-per-connection.mjs [gateway|stock|floor] [connections] [settle-s]`: where an
 * idle connection's memory goes. Takes a V8 heap snapshot of the server before and after
 * connecting, and lists the object kinds whose retained-by-count growth per connection is largest
 * (self sizes, grouped by constructor or type). `settle-s` (default 2) is the wait before the second
 * snapshot: past HTTP_HEADERS_TIMEOUT_MS (10 s) the per-connection first-byte timers are gone.
 */
installCleanup(300_000);
pinSelf(CLIENT_CORE);
const [name = "gateway", count = "2000", settle = "2"] = process.argv.slice(2);
const { server, snapshot, stop } = await startSnapshottingServer(name);
const fleet = await startFleet({ processes: 1 });

function tally(snap) {
  const { node_fields: fields, node_types: [types] } = snap.snapshot.meta;
  const width = fields.length;
  const [typeAt, nameAt, sizeAt] = ["type", "name", "self_size"].map((f) => fields.indexOf(f));
  const groups = new Map();
  for (let i = 0; i < snap.nodes.length; i += width) {
    const type = types[snap.nodes[i + typeAt]];
    const key = type === "object" || type === "closure" ? `${type}:${snap.strings[snap.nodes[i + nameAt]]}` : type;
    const group = groups.get(key) ?? { count: 0, bytes: 0 };
    group.count++;
    group.bytes += snap.nodes[i + sizeAt];
    groups.set(key, group);
  }
  return groups;
}

const before = tally(await snapshot());
await fleet.connect({ server, total: Number(count), cohort: 0, smallRooms: 1000 });
await sleep(Number(settle) * 1000);
const after = tally(await snapshot());
const rows = [...after].map(([key, a]) => {
  const b = before.get(key) ?? { count: 0, bytes: 0 };
  return { key, perConn: (a.bytes - b.bytes) / Number(count), countPerConn: (a.count - b.count) / Number(count) };
}).sort((x, y) => y.perConn - x.perConn);
const total = rows.reduce((sum, r) => sum + r.perConn, 0);
console.log(`${name}: ${total.toFixed(0)} B of V8 heap per connection (self sizes), top kinds:`);
for (const r of rows.slice(0, 25)) console.log(`${r.perConn.toFixed(0).padStart(7)} B  ${r.countPerConn.toFixed(2).padStart(6)}/conn  ${r.key}`);
await fleet.close();
await stop();
process.exit(0);
