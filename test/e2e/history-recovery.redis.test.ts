import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RoomPositionWire, SubscriptionAck } from "@socket-server/shared/events";
import { postJson, waitForReady } from "../support/publish-api-client.js";
import { startService, type ServiceProcess } from "../support/service-process.js";
import { connectClient, type Received, type TestClient } from "../support/socket-client.js";
import { deleteKeys, testPrefix } from "../support/test-prefix.js";
import { ANONYMOUS_GATEWAY_ENV } from "../support/tokens.js";
import { waitUntil } from "../support/wait-until.js";
import { inject } from "vitest";

const KEY = "history-recovery-key-0123456789";
// A recovery limit above the history's size, so both refusals can be reached.
const HISTORY = { HISTORY_SIZE: "20", RECOVERY_MAX_MESSAGES: "30", PUBLISH_API_KEYS: KEY, PUBLISH_RATE_LIMIT_PER_SECOND: "0" };

interface Topology {
  /** Where clients connect. */
  socketUrl: string;
  /** Where publishes go. */
  publishUrl: string;
  services: ServiceProcess[];
}

/** The same behaviour in both topologies: the single instance in memory, a fleet in Redis. */
const topologies: Array<[string, () => Promise<Topology>]> = [
  [
    "single instance (memory)",
    async () => {
      const root = await startService("root", { ...HISTORY, REDIS_URL: "redis://127.0.0.1:1" });
      return { socketUrl: root.url, publishUrl: root.url, services: [root] };
    },
  ],
  [
    "fleet (Redis)",
    async () => {
      const env = { ...HISTORY, REDIS_URL: inject("redisUrl"), REDIS_PREFIX: prefix };
      const [gateway, api] = await Promise.all([
        startService("socket-gateway", { ...env, ...ANONYMOUS_GATEWAY_ENV, REDIS_ENABLED: "true" }),
        startService("publish-api", env),
      ]);
      await waitForReady([gateway, api]);
      return { socketUrl: gateway.url, publishUrl: api.url, services: [gateway, api] };
    },
  ],
];

const prefix = testPrefix("history-recovery");
afterAll(() => deleteKeys(inject("redisUrl"), prefix));

describe.each(topologies)("history and recovery, %s", (_name, start) => {
  let topology: Topology;
  const clients: TestClient[] = [];
  let roomCount = 0;
  /** A room no other test of this file touches. */
  const freshRoom = () => `recovery:${++roomCount}`;

  beforeAll(async () => {
    topology = await start();
  });
  afterAll(async () => {
    for (const client of clients) client.close();
    for (const service of topology?.services ?? []) expect(await service.stop()).toBe(0);
  });

  async function client() {
    const connected = await connectClient(topology.socketUrl);
    clients.push(connected);
    return connected;
  }
  async function publish(body: Record<string, unknown>) {
    const response = await postJson(topology.publishUrl, "/v1/publish", KEY, { event: "tick", ...body });
    expect(response.status).toBe(202);
    return (await response.json()) as { id: string; rooms: string[]; offsets: Record<string, number> };
  }
  const publishMany = async (room: string, from: number, count: number) => {
    for (let n = from; n < from + count; n++) await publish({ room, data: n });
  };
  const offsetsOf = (received: Received[], room: string) => received.filter((copy) => copy.meta.room === room).map((copy) => copy.meta.offset);
  /** The room's epoch, as a plain subscribe's ack gives it. */
  async function probeEpoch(room: string) {
    const probe = await client();
    const { epoch } = okAck(await probe.subscribe(room)).positions![room]!;
    probe.close();
    return epoch;
  }
  const okAck = (ack: SubscriptionAck) => {
    if (!ack.ok) throw new Error(`subscribe refused: ${ack.error.code} ${ack.error.message}`);
    return ack;
  };

  it("answers a publish with each room's offset and delivers it with offset and epoch", async () => {
    const room = freshRoom();
    const watcher = await client();
    const ack = okAck(await watcher.subscribe(room));
    expect(ack.positions).toEqual({ [room]: { offset: 0, epoch: "" } });
    const first = await publish({ rooms: [room, `${room}:b`], data: 1 });
    expect(first.offsets).toEqual({ [room]: 1, [`${room}:b`]: 1 });
    expect((await publish({ room, data: 2 })).offsets).toEqual({ [room]: 2 });
    await waitUntil(() => watcher.received.length === 2, { what: "two deliveries" });
    expect(watcher.received.map((copy) => copy.meta.offset)).toEqual([1, 2]);
    expect(watcher.received[0]!.meta).toEqual({ id: first.id, room, ts: expect.any(Number), offset: 1, epoch: expect.any(String) });
    expect(watcher.received[1]!.meta.epoch).toBe(watcher.received[0]!.meta.epoch);
  });

  it("replays exactly what a stock client missed when it subscribes again with since, then delivers live", async () => {
    const room = freshRoom();
    const first = await client();
    okAck(await first.subscribe(room));
    await publishMany(room, 1, 3);
    await waitUntil(() => first.received.length === 3, { what: "the first three" });
    const last = first.received.at(-1)!.meta;
    first.close();
    await publishMany(room, 4, 4);

    const again = await client();
    const since: Record<string, RoomPositionWire> = { [room]: { offset: last.offset!, epoch: last.epoch! } };
    const ack = okAck(await again.subscribe({ rooms: [room], since }));
    // Replayed before the ack.
    expect(offsetsOf(again.received, room)).toEqual([4, 5, 6, 7]);
    expect(again.received.map((copy) => copy.data)).toEqual([4, 5, 6, 7]);
    expect(ack.recovered).toEqual({ [room]: true });
    expect(ack.positions).toEqual({ [room]: { offset: 7, epoch: last.epoch } });
    await publish({ room, data: 8 });
    await waitUntil(() => again.received.length === 5, { what: "the live one" });
    expect(offsetsOf(again.received, room)).toEqual([4, 5, 6, 7, 8]);
  });

  it("hands back an ack's position to replay exactly what was published after that subscribe", async () => {
    const room = freshRoom();
    await publishMany(room, 1, 2);
    const early = await client();
    const position = okAck(await early.subscribe(room)).positions![room]!;
    expect(position.offset).toBe(2);
    early.close();
    await publishMany(room, 3, 2);
    const later = await client();
    const ack = okAck(await later.subscribe({ rooms: [room], since: { [room]: position } }));
    expect(ack.recovered).toEqual({ [room]: true });
    expect(offsetsOf(later.received, room)).toEqual([3, 4]);
  });

  it("says recovered: false and replays nothing for another epoch, too long a gap, or one gone from history", async () => {
    const room = freshRoom();
    await publishMany(room, 1, 40);
    const watcher = await client();
    const epoch = okAck(await watcher.subscribe(room)).positions![room]!.epoch;
    const cases: Array<[string, RoomPositionWire]> = [
      ["another epoch", { offset: 39, epoch: "not-this-one" }],
      // RECOVERY_MAX_MESSAGES is 30: 35 are missing.
      ["too far behind", { offset: 5, epoch }],
      // HISTORY_SIZE is 20: it holds 21 to 40, so 16 to 20 are gone.
      ["gone from history", { offset: 15, epoch }],
    ];
    for (const [what, since] of cases) {
      const resumed = await client();
      const ack = okAck(await resumed.subscribe({ rooms: [room], since: { [room]: since } }));
      expect(ack.recovered, what).toEqual({ [room]: false });
      expect(ack.positions, what).toEqual({ [room]: { offset: 40, epoch } });
      expect(resumed.received, what).toEqual([]);
      resumed.close();
    }
    // Still subscribed after a refused recovery: what comes next arrives.
    const refused = await client();
    okAck(await refused.subscribe({ rooms: [room], since: { [room]: { offset: 1, epoch } } }));
    await publish({ room, data: "next" });
    await waitUntil(() => refused.received.length === 1, { what: "the next message" });
    expect(offsetsOf(refused.received, room)).toEqual([41]);
  });

  it("refuses a position beyond what history holds, and the room goes on for everyone", async () => {
    const room = freshRoom();
    const honest = await client();
    okAck(await honest.subscribe(room));
    await publish({ room, data: 1 });
    await waitUntil(() => honest.received.length === 1, { what: "the first message" });
    const { epoch } = honest.received[0]!.meta;
    const liar = await client();
    const ack = okAck(await liar.subscribe({ rooms: [room], since: { [room]: { offset: 1_000_000_000, epoch: epoch! } } }));
    expect(ack.recovered).toEqual({ [room]: false });
    expect(ack.positions).toEqual({ [room]: { offset: 1, epoch } });
    await publish({ room, data: 2 });
    await waitUntil(() => honest.received.length === 2 && liar.received.length === 1, { what: "the next message at both" });
    expect(offsetsOf(honest.received, room)).toEqual([1, 2]);
  });

  it("cannot replay to a socket already in the room: recovered only if nothing was missed", async () => {
    const room = freshRoom();
    const watcher = await client();
    const { epoch, offset } = okAck(await watcher.subscribe(room)).positions![room]!;
    await publishMany(room, 1, 2);
    await waitUntil(() => watcher.received.length === 2, { what: "two deliveries" });
    const again = (since: RoomPositionWire) => watcher.subscribe({ rooms: [room], since: { [room]: since } });
    const latest = watcher.received.at(-1)!.meta;
    expect(okAck(await again({ offset: latest.offset!, epoch: latest.epoch! })).recovered).toEqual({ [room]: true });
    expect(okAck(await again({ offset, epoch })).recovered).toEqual({ [room]: false });
    expect(watcher.received).toHaveLength(2);
  });

  it("delivers a retried publish with the same idempotencyKey once, answering it the same", async () => {
    const room = freshRoom();
    const watcher = await client();
    okAck(await watcher.subscribe(room));
    const body = { room, data: "once", idempotencyKey: "order-42-paid" };
    const first = await publish(body);
    const retried = await publish(body);
    expect(retried).toEqual(first);
    await publish({ room, data: "sentinel" });
    await waitUntil(() => watcher.received.some((copy) => copy.data === "sentinel"), { what: "the sentinel" });
    expect(watcher.received.map((copy) => copy.data)).toEqual(["once", "sentinel"]);
  });

  it("misses nothing and repeats nothing at the seam while the room receives messages during the replay", async () => {
    const room = freshRoom();
    await publishMany(room, 1, 3);
    let publishing = true;
    let published = 3;
    const flood = (async () => {
      while (publishing && published < 60) await publish({ room, data: ++published });
    })();
    const epoch = (await publish({ room, data: "epoch probe" })) && (await probeEpoch(room));
    published++;
    const resumers: Array<{ resumer: TestClient; from: number }> = [];
    for (let n = 0; n < 5; n++) {
      const resumer = await client();
      // A few behind the latest accepted: the replay races the flood, well within history.
      const from = Math.max(0, published - 3);
      const ack = okAck(await resumer.subscribe({ rooms: [room], since: { [room]: { offset: from, epoch } } }));
      expect(ack.recovered).toEqual({ [room]: true });
      resumers.push({ resumer, from });
    }
    publishing = false;
    await flood;
    await publish({ room, data: "sentinel" });
    const total = published + 1;
    for (const { resumer, from } of resumers) {
      await waitUntil(() => offsetsOf(resumer.received, room).at(-1) === total, { what: "the sentinel at each resumer" });
      expect(offsetsOf(resumer.received, room)).toEqual(Array.from({ length: total - from }, (_, n) => from + n + 1));
    }
  });
});
