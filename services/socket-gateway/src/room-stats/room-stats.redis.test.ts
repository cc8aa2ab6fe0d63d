import { Redis } from "ioredis";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createRedisClient, type RedisRole } from "@socket-server/shared/redis";
import { createRoomStatsCollector, roomStatsRequestChannel } from "@socket-server/shared/room-stats";
import { startRedisServer } from "../../../../test/support/redis-server.js";
import { testPrefix } from "../../../../test/support/test-prefix.js";
import { waitUntil } from "../../../../test/support/wait-until.js";
import { createRoomStatsResponder } from "./create-room-stats-responder.js";

const logger = pino({ level: "silent" });
const prefix = testPrefix("room-stats");
const clients: Redis[] = [];
let url: string;
let scopes = 0;

beforeAll(() => {
  url = inject("redisUrl");
});
afterAll(() => {
  for (const client of clients) client.disconnect();
});

async function connect(role: RedisRole, at = url, ready = at === url): Promise<Redis> {
  const client = createRedisClient({ url: at, name: prefix, role, logger });
  clients.push(client);
  if (ready) await waitUntil(() => client.status === "ready", { what: "redis ready" });
  return client;
}

/** A fresh deployment prefix per test: its channels are its own. */
const newScope = () => `${prefix}:${scopes++}`;

async function startGateway(scope: string, counts: Record<string, number>) {
  createRoomStatsResponder({ sub: await connect("subscriber"), pub: await connect("command"), prefix: scope, count: (room) => counts[room] ?? 0, logger });
}

/** A gateway that is subscribed (so it is counted) but never answers: frozen, or stuck. */
async function startSilentGateway(scope: string) {
  const sub = await connect("subscriber");
  await sub.subscribe(roomStatsRequestChannel(scope));
}

async function untilListening(scope: string, gateways: number) {
  const probe = await connect("command");
  await waitUntil(async () => {
    const [, count] = (await probe.pubsub("NUMSUB", roomStatsRequestChannel(scope))) as [string, number];
    return count === gateways;
  }, { what: `${gateways} gateways subscribed` });
}

async function startCollector(scope: string, deadlineMs: number) {
  const sub = await connect("subscriber");
  const collector = createRoomStatsCollector({ pub: await connect("command"), sub, prefix: scope, logger, deadlineMs });
  return collector;
}

async function timed<T>(work: () => Promise<T>): Promise<{ result: T; elapsedMs: number }> {
  const started = performance.now();
  const result = await work();
  return { result, elapsedMs: performance.now() - started };
}

describe("room stats over Redis: publish-api asks, every gateway answers", () => {
  it("sums every gateway's sockets, counts the gateways holding any, and answers as soon as all have", async () => {
    const scope = newScope();
    await startGateway(scope, { "orders:42": 3, "orders:7": 1 });
    await startGateway(scope, { "orders:42": 2 });
    await startGateway(scope, {});
    await untilListening(scope, 3);
    const collector = await startCollector(scope, 5000);

    const { result, elapsedMs } = await timed(() => collector.count("orders:42"));
    expect(result).toEqual({ subscribers: 5, gateways: 2, complete: true, gatewaysAsked: 3, gatewaysAnswered: 3 });
    // Far below the deadline: it stopped waiting once the third answer came.
    expect(elapsedMs).toBeLessThan(1000);
    expect(await collector.count("orders:7")).toEqual({ subscribers: 1, gateways: 1, complete: true, gatewaysAsked: 3, gatewaysAnswered: 3 });
    expect(await collector.count("empty")).toEqual({ subscribers: 0, gateways: 0, complete: true, gatewaysAsked: 3, gatewaysAnswered: 3 });
  });

  it("keeps concurrent questions apart", async () => {
    const scope = newScope();
    await startGateway(scope, { a: 1, b: 10 });
    await startGateway(scope, { a: 2, b: 20 });
    await untilListening(scope, 2);
    const collector = await startCollector(scope, 5000);
    const [a, b] = await Promise.all([collector.count("a"), collector.count("b")]);
    expect([a.subscribers, b.subscribers]).toEqual([3, 30]);
  });

  it("reports complete: false with the answers it has once the deadline passes, when a gateway never answers", async () => {
    const scope = newScope();
    await startGateway(scope, { "chat:1": 4 });
    await startSilentGateway(scope);
    await untilListening(scope, 2);
    const deadlineMs = 300;
    const collector = await startCollector(scope, deadlineMs);

    const { result, elapsedMs } = await timed(() => collector.count("chat:1"));
    expect(result).toEqual({ subscribers: 4, gateways: 1, complete: false, gatewaysAsked: 2, gatewaysAnswered: 1 });
    expect(elapsedMs).toBeGreaterThanOrEqual(deadlineMs - 5);
    expect(elapsedMs).toBeLessThan(deadlineMs + 500);
  });

  it("answers at once when no gateway is listening", async () => {
    const collector = await startCollector(newScope(), 5000);
    const { result, elapsedMs } = await timed(() => collector.count("orders:42"));
    expect(result).toEqual({ subscribers: 0, gateways: 0, complete: true, gatewaysAsked: 0, gatewaysAnswered: 0 });
    expect(elapsedMs).toBeLessThan(500);
  });

  it("rejects, within the deadline, when Redis cannot carry the question or the answers", async () => {
    const closed = "redis://127.0.0.1:1";
    const scope = newScope();
    const cannotAsk = createRoomStatsCollector({ pub: await connect("command", closed), sub: await connect("subscriber"), prefix: scope, logger, deadlineMs: 300 });
    await expect(cannotAsk.count("orders:42")).rejects.toThrow();
    const cannotHear = createRoomStatsCollector({ pub: await connect("command"), sub: await connect("subscriber", closed), prefix: scope, logger, deadlineMs: 300 });
    const { result, elapsedMs } = await timed(() => cannotHear.count("orders:42").then(() => undefined, (error: unknown) => error as Error));
    expect(result?.message).toMatch(/not ready/);
    expect(elapsedMs).toBeLessThan(800);
  });

  it("rejects at once, instead of counting nobody, once its reply connection has dropped", async () => {
    // Answers arrive on a Redis of their own here, so only that link can be cut.
    const answersRedis = await startRedisServer();
    const sub = await connect("subscriber", answersRedis.url, true);
    const collector = createRoomStatsCollector({ pub: await connect("command"), sub, prefix: newScope(), logger, deadlineMs: 5000 });
    expect(await collector.count("orders:42")).toMatchObject({ complete: true });
    await answersRedis.kill();
    await waitUntil(() => sub.status !== "ready", { what: "the reply connection down" });
    const { result, elapsedMs } = await timed(() => collector.count("orders:42").then(() => undefined, (error: unknown) => error as Error));
    expect(result?.message).toMatch(/not ready/);
    expect(elapsedMs).toBeLessThan(500);
  });
});
