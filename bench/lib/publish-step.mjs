import { monitorEventLoopDelay } from "node:perf_hooks";
import { nowMs, sleep } from "./clock.mjs";
import { summarize } from "./histogram.mjs";
import { runOpenLoop } from "./open-loop.mjs";
import { createPipelinedPublisher } from "./pipelined-publisher.mjs";
import { startCoreLoad } from "./core-load.mjs";
import { cpuMicros } from "./proc-stats.mjs";
import { CLIENT_CORE, SERVER_CORE } from "./processes.mjs";
import { PUBLISH_KEY } from "./servers.mjs";
import { LIMITS } from "./validity.mjs";

const selfLoopDelay = monitorEventLoopDelay({ resolution: 10 });
selfLoopDelay.enable();

/**
 * One open-loop HTTP step with no subscribers to wait for: `count` POSTs at `rate`, then until
 * every answer is in (bounded). Accepted per second is counted up to the last answer, so an
 * overloaded server shows its real capacity rather than the offered rate. With
 * `messagesPerRequest` above 1 every request is a batch: `rate` and `count` are still requests,
 * what is accepted is counted in messages (a 202 all of them, a 207 those its results took).
 */
export async function runPublishStep({ server, path, rate, count, bodyFor, clientPids = [], redisPid = null, messagesPerRequest = 1 }) {
  const publisher = await createPipelinedPublisher({ port: server.port, path, token: PUBLISH_KEY, connections: 16 });
  let accepted = 0;
  let lastAnswerAt = 0;
  publisher.onAnswer((status, body) => {
    lastAnswerAt = nowMs();
    if (status === "202") accepted += messagesPerRequest;
    else if (status === "207") accepted += body.toString().split('"status":202').length - 1;
  });
  selfLoopDelay.reset();
  const serverCpu0 = cpuMicros(server.pid);
  const clientCpu0 = clientPids.reduce((sum, pid) => sum + cpuMicros(pid), 0);
  const redisCpu0 = redisPid === null ? 0 : cpuMicros(redisPid);
  const selfCpu0 = process.cpuUsage();
  const t0 = nowMs();
  const serverCore = startCoreLoad(SERVER_CORE, [server.pid]);
  const clientCore = startCoreLoad(CLIENT_CORE, []);
  await runOpenLoop({ rate, count, batch: publisher.batch, send: (k, due) => publisher.send(bodyFor(k, due), due) });
  const deadline = nowMs() + 10_000;
  while (publisher.outstanding() > 0 && nowMs() < deadline) await sleep(20);
  const wallMs = Math.max(lastAnswerAt, t0 + 1) - t0;
  const serverCoreLoad = serverCore();
  const clientCoreLoad = clientCore();
  const serverCpu = cpuMicros(server.pid) - serverCpu0;
  // Redis is on the client core and counts there too; apart, it is what each publish costs Redis.
  const redisCpu = redisPid === null ? null : cpuMicros(redisPid) - redisCpu0;
  const selfCpu = process.cpuUsage(selfCpu0);
  const clientCpu = clientPids.reduce((sum, pid) => sum + cpuMicros(pid), 0) - clientCpu0 + selfCpu.user + selfCpu.system;
  const stats = publisher.stats();
  publisher.close();

  const clientCpuPct = Math.max((clientCpu / 1000 / wallMs) * 100, clientCoreLoad.busyPct);
  const loopDelayP99Ms = selfLoopDelay.percentile(99) / 1e6;
  const reasons = [];
  if (stats.answered < stats.sent) reasons.push(`${stats.sent - stats.answered} unanswered`);
  if (accepted < stats.answered * messagesPerRequest) reasons.push(`${stats.answered * messagesPerRequest - accepted} not accepted: ${(stats.errorSamples[0] ?? "").slice(0, 200)}`);
  if (clientCpuPct > LIMITS.clientCpuPct) reasons.push(`client core ${clientCpuPct.toFixed(0)}% busy`);
  if (serverCoreLoad.othersPct > LIMITS.serverCoreOthersPct) reasons.push(`other processes took ${serverCoreLoad.othersPct.toFixed(0)}% of the server core`);
  if (loopDelayP99Ms > LIMITS.loopDelayP99Ms) reasons.push(`publisher event-loop delay p99 ${loopDelayP99Ms.toFixed(1)} ms`);
  return {
    rate,
    messagesPerRequest,
    sent: stats.sent,
    accepted,
    acceptedPerSecond: (accepted / wallMs) * 1000,
    httpLatency: summarize(stats.latency),
    serverCpuPct: (serverCpu / 1000 / wallMs) * 100,
    serverCpuUsPerRequest: stats.answered ? serverCpu / stats.answered : null,
    serverCpuUsPerAccepted: accepted ? serverCpu / accepted : null,
    redisCpuPct: redisCpu === null ? null : (redisCpu / 1000 / wallMs) * 100,
    redisCpuUsPerAccepted: redisCpu !== null && accepted ? redisCpu / accepted : null,
    clientCpuPct,
    serverCoreOthersPct: serverCoreLoad.othersPct,
    loopDelayP99Ms,
    statuses: stats.statuses,
    valid: reasons.length === 0,
    reasons,
  };
}
