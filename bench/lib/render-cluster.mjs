const f = (value, digits = 1) => (value === null || value === undefined || Number.isNaN(value) ? "–" : Number(value).toFixed(digits));
const n = (value) => (value === null || value === undefined ? "–" : Math.round(value).toLocaleString("en-US"));

/** Scenario 8's section: per topology, then the per-receiver costs and the prediction. */
export function renderCluster(cluster) {
  if (!cluster) return [];
  if (cluster.error) return ["## 8. Redis Cluster and sharded pub/sub", "", `failed: ${cluster.error.split("\n")[0]}`, ""];
  const { settings, topologies, prediction } = cluster;
  const lines = [
    "## 8. Redis Cluster and sharded pub/sub",
    "",
    `Two gateways and publish-api on the server core, Redis on the client core; ${settings.rooms} rooms of one client each, even rooms on one gateway, odd on the other; \`POST /v1/publish\` batches at ${settings.rate} messages/s (history on). CPU per message from each process's schedstat over the window.`,
    "",
    "| topology | Redis processes | accepted / s | deliveries / s | Redis µs / msg | gateways µs / msg | publish-api µs / msg | each gateway's link, msg / s | validity |",
    "|---|---|---|---|---|---|---|---|---|",
  ];
  const row = (label, t, window) =>
    lines.push(`| ${label} | ${t.redisProcesses ?? "–"} | ${n(window.acceptedPerSecond)} | ${n(window.deliveriesPerSecond)} | ${f(window.redisUsPerMessage)} | ${f(window.gatewayUsPerMessage)} | ${f(window.publishApiUsPerMessage)} | ${n(window.perGatewayLinkMessagesPerSecond)} | ${window.valid ? "valid" : `invalid: ${window.reasons.join("; ")}`} |`);
  for (const t of Object.values(topologies)) {
    if (t.error) {
      lines.push(`| ${t.label} | – | – | – | – | – | – | – | failed: ${t.error.split("\n")[0]} |`);
      continue;
    }
    row(t.label, t, t.base);
    if (t.withSubscribers) row(`${t.label} + ${t.withSubscribers.subscribers} passive subscribers`, t, t.withSubscribers);
  }
  if (prediction) {
    lines.push("", `Prediction (${prediction.formula}; k = ${prediction.k} gateway per room, R = ${prediction.rate} msg/s):`, "");
    lines.push(`Per receiving gateway: classic ${f(prediction.classic?.perReceiver, 2)} µs, sharded ${f(prediction.sharded?.perReceiver, 2)} µs of Redis CPU per message.`, "");
    lines.push("| gateways | classic Redis µs / msg | sharded Redis µs / msg | classic msg / s each gateway reads | sharded msg / s each gateway reads |", "|---|---|---|---|---|");
    for (const r of prediction.rows) lines.push(`| ${r.gateways} | ${f(r.classicRedisUsPerMessage)} | ${f(r.shardedRedisUsPerMessage)} | ${n(r.classicReadsPerGatewayPerSecond)} | ${n(r.shardedReadsPerGatewayPerSecond)} |`);
  }
  lines.push("");
  return lines;
}
