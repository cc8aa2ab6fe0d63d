import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readMetric } from "../support/gateway-metrics.js";
import { upgradeThenReset } from "../support/reset-upgrade.js";
import { openRawSocketIo } from "../support/raw-socket-io.js";
import { startService, type ServiceProcess } from "../support/service-process.js";
import { connectClient, type TransportError, type TestClient } from "../support/socket-client.js";
import { mintToken, TEST_JWT_SECRET } from "../support/tokens.js";
import { waitUntil } from "../support/wait-until.js";
import { postJson } from "../support/publish-api-client.js";

const KEY = "hostile-clients-key";

// A single-instance gateway (it serves the publish API too) with production defaults for every limit.
describe("hostile clients against one gateway", () => {
  let gateway: ServiceProcess;
  const clients: TestClient[] = [];
  const token = () => mintToken({ sub: "tester", rooms: ["*"] });
  const cut = (reason: string) => readMetric(gateway.url, `socket_server_clients_disconnected_total{reason="${reason}"`);

  beforeAll(async () => {
    gateway = await startService("socket-gateway", { JWT_SECRET: TEST_JWT_SECRET, PUBLISH_API_KEYS: KEY });
  });

  afterAll(async () => {
    for (const client of clients) client.close();
    expect(await gateway?.stop()).toBe(0);
  });

  const publish = (room: string, data: unknown) => postJson(gateway.url, "/v1/publish", KEY, { room, event: "news", data });

  /** The process lives and a fresh client connects and receives. */
  async function expectGatewayServes(localAddress: string) {
    expect(gateway.exited()).toBe(false);
    const fresh = await connectClient(gateway.url, { token: await token(), localAddress });
    clients.push(fresh);
    await fresh.subscribe("after-attack");
    expect((await publish("after-attack", "still here")).status).toBe(202);
    await waitUntil(() => fresh.received.some((copy) => copy.data === "still here"), { what: "delivery after the attack" });
    fresh.close();
  }

  // Each frame is an engine.io message ("4") carrying a Socket.IO packet (type digit, ack id, JSON).
  const malformed: Array<[string, Array<string | Buffer>]> = [
    // CVE-2022-2421: a placeholder whose index is not a number reaches into the packet's prototype.
    ["a binary placeholder indexing __proto__ (CVE-2022-2421)", ['451-["subscribe",{"_placeholder":true,"num":"__proto__"}]', Buffer.from([1, 2, 3])]],
    ["a binary placeholder out of range", ['451-["subscribe",{"_placeholder":true,"num":5}]', Buffer.from([1, 2, 3])]],
    // The decoder would wait for the attachment for as long as the connection lives.
    ["a binary event whose attachment never comes", ['451-["hello",{"_placeholder":true,"num":99}]']],
    // CVE-2023-32695: an event name that is an object killed the process with an uncaught exception.
    ["an object as event name (CVE-2023-32695)", ['42[{"toString":"subscribe"},"a"]']],
    ["a number as event name", ['42[42,"a"]']],
    ["null as event name", ["42[null]"]],
    ["a reserved event name", ['42["disconnect"]']],
    ["an ACK for an id the server never issued", ['43999["x"]']],
    ["an ack id beyond 2^53", ['42999999999999999999999["subscribe","a"]']],
    ["a non-numeric ack id", ['42abc["subscribe","a"]']],
    ["an unknown engine.io packet type", ["9zzz"]],
    ["a second handshake on the same connection", ["40{}"]],
    ["an unknown namespace flood", Array.from({ length: 200 }, () => "40/admin,{}")],
    ["a 20 KB frame, over the 16 KB limit", [`42["subscribe","${"x".repeat(20 * 1024)}"]`]],
  ];

  it.each(malformed.map(([name, frames], index) => [name, frames, `127.0.1.${index + 1}`] as const))(
    "closes a connection that sends %s, and keeps serving others",
    async (_name, frames, localAddress) => {
      // An address of its own: the per-address connection allowance is not what this test is about.
      const raw = await openRawSocketIo(gateway.url, await token(), { localAddress });
      for (const frame of frames) if (raw.isOpen()) raw.ws.send(frame);
      // A deadline, not a sleep: the race ends as soon as the server closes the connection.
      const closedWithin = await Promise.race([raw.closed.then(() => true), new Promise((resolve) => setTimeout(() => resolve(false), 3000))]);
      expect(closedWithin, "the server closed the connection").toBe(true);
      await expectGatewayServes(localAddress);
    },
  );

  it("disconnects an emit flooder within a second while another client keeps receiving", async () => {
    const observer = await connectClient(gateway.url, { token: await token(), localAddress: "127.0.0.4" });
    const flooder = await connectClient(gateway.url, { token: await token(), localAddress: "127.0.0.4" });
    clients.push(observer, flooder);
    await observer.subscribe("steady");
    let seq = 0;
    const ticker = setInterval(() => void publish("steady", ++seq), 20);
    try {
      await waitUntil(() => observer.received.length >= 5, { what: "the steady stream" });
      const reason = new Promise<string>((resolve) => flooder.socket.once("disconnect", resolve));
      const started = performance.now();
      const flood = setInterval(() => {
        for (let i = 0; i < 200; i++) flooder.socket.emit("subscribe", "steady");
      }, 1);
      const disconnectedAfterMs = await reason.then(() => performance.now() - started);
      clearInterval(flood);
      expect(await reason).toBe("io server disconnect");
      expect(disconnectedAfterMs).toBeLessThan(1000);
      const before = observer.received.length;
      await waitUntil(() => observer.received.length >= before + 10, { what: "the stream after the flood" });
      console.info(`emit flood: flooder disconnected after ${Math.round(disconnectedAfterMs)} ms`);
    } finally {
      clearInterval(ticker);
    }
    const seqs = observer.received.map((copy) => copy.data as number);
    expect(new Set(seqs).size).toBe(seqs.length);
    expect(await cut("event_flood")).toBe(1);
    expect(observer.socket.connected).toBe(true);
  });

  it("caps a connection flood from one address with 429 rate_limited past the default rate and burst, while another address connects", async () => {
    const tokenValue = await token();
    const attempts = await Promise.all(
      Array.from({ length: 300 }, () =>
        connectClient(gateway.url, { token: tokenValue, localAddress: "127.0.0.3" }).then(
          (client) => {
            clients.push(client);
            return "connected";
          },
          (error: TransportError) => (typeof error.description === "object" ? error.description.message : String(error.description)),
        ),
      ),
    );
    const connected = attempts.filter((attempt) => attempt === "connected").length;
    const refused = attempts.filter((attempt) => attempt !== "connected");
    // 20 per second plus a burst of 100; a flood that straddles a second's end may see two seconds' worth.
    expect(connected).toBeGreaterThanOrEqual(100);
    expect(connected).toBeLessThanOrEqual(140);
    expect(refused.length).toBe(300 - connected);
    // Refused at the transport, so a stock client would retry by itself.
    for (const reason of refused) expect(reason).toContain("429");
    const other = await connectClient(gateway.url, { token: tokenValue, localAddress: "127.0.0.5" });
    clients.push(other);
    expect(other.socket.connected).toBe(true);
    console.info(`connection flood: ${connected} of 300 connected from one address`);
  });

  it("stays up when WebSocket clients refused at the transport reset the connection instead of reading why", async () => {
    const port = Number(new URL(gateway.url).port);
    // Past the default per-address allowance (20/s plus a burst of 100), so most are refused 429.
    const statuses = await Promise.all(Array.from({ length: 200 }, () => upgradeThenReset(port, "127.0.2.1")));
    expect(statuses.filter((status) => status === "429").length).toBeGreaterThan(50);
    await expectGatewayServes("127.0.2.2");
  });

  it("disconnects a client that stops reading while its room gets 10 MB/s, before the gateway grows by 20 MB", async () => {
    const chunk = "x".repeat(60_000);
    const rss = async () => (await readMetric(gateway.url, "process_resident_memory_bytes"))!;
    const reader = await connectClient(gateway.url, { token: await token(), localAddress: "127.0.0.6" });
    clients.push(reader);
    await reader.subscribe("firehose");
    // 17 publishes of 60 kB every 100 ms: about 10 MB/s.
    const stream = async (ms: number, done: () => boolean = () => false) => {
      const until = performance.now() + ms;
      while (performance.now() < until && !done()) {
        const tick = performance.now();
        const answers = await Promise.all(Array.from({ length: 17 }, () => publish("firehose", chunk)));
        expect(answers.every((answer) => answer.status === 202)).toBe(true);
        // Pacing, the load under test: 17 publishes per 100 ms tick, not faster.
        await new Promise((resolve) => setTimeout(resolve, Math.max(0, 100 - (performance.now() - tick))));
      }
    };
    // Baseline: the peak RSS while serving the same 10 MB/s to the reading client alone, so heap
    // churn from the load itself is not charged to the slow consumer.
    let baseline = await rss();
    const warmSampler = setInterval(() => void rss().then((value) => (baseline = Math.max(baseline, value))), 100);
    try {
      await stream(3000);
    } finally {
      clearInterval(warmSampler);
    }
    const slow = await openRawSocketIo(gateway.url, await token(), { localAddress: "127.0.0.6" });
    // With ack id 0, so the subscription is known to be in place before the client stops reading.
    slow.ws.send('420["subscribe","firehose"]');
    await waitUntil(() => slow.messages.some((frame) => frame.startsWith("430")), { what: "the slow client's subscribe ack" });
    expect(JSON.parse(slow.messages.find((frame) => frame.startsWith("430"))!.slice(3))).toMatchObject([{ ok: true, rooms: ["firehose"] }]);
    // Stop reading: the kernel buffers fill, then the gateway's.
    (slow.ws as unknown as { _socket: { pause(): void } })._socket.pause();
    const before = reader.received.length;
    let peak = baseline;
    const sampler = setInterval(() => void rss().then((value) => (peak = Math.max(peak, value))), 100);
    const started = performance.now();
    let cutAfterMs: number | undefined;
    const watcher = setInterval(() => void cut("slow_consumer").then((count) => (cutAfterMs ??= count === 1 ? performance.now() - started : undefined)), 50);
    try {
      // Until half a second after the cut: what the slow client cost, not drift of a long run.
      await stream(5000, () => cutAfterMs !== undefined && performance.now() - started > cutAfterMs + 500);
    } finally {
      clearInterval(sampler);
      clearInterval(watcher);
    }
    const growthMb = (peak - baseline) / 1024 / 1024;
    console.info(
      `slow consumer: cut ${cutAfterMs === undefined ? "?" : Math.round(cutAfterMs)} ms after it stopped reading; ` +
        `gateway RSS peak ${growthMb.toFixed(1)} MB over the peak while serving the same load to readers only`,
    );
    expect(await cut("slow_consumer")).toBe(1);
    expect(reader.socket.connected).toBe(true);
    expect(reader.received.length - before).toBeGreaterThan(100);
    expect(growthMb).toBeLessThan(20);
  });
});
