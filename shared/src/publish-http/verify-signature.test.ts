import { describe, expect, it } from "vitest";
import { KEY, publishAppFixture } from "./publish-app.fixture.js";
import type { ReplayStore } from "./replay-store.js";
import { signRequest } from "./sign-request.js";

const SECRET = "a-signing-secret-of-32-characters";
const NOW_MS = 1_700_000_000_000;
const NOW = String(NOW_MS / 1000);
const signer = { key: "signer-key", rooms: undefined, signingSecret: SECRET };
const body = JSON.stringify({ room: "orders:42", event: "order.updated", data: { status: "paid" } });

function setup(replayStore?: ReplayStore) {
  let clock = NOW_MS;
  const fixture = publishAppFixture({ keys: [KEY, signer], now: () => clock, ...(replayStore ? { replayStore } : {}) });
  const send = (payload: string | Uint8Array, timestamp: string, signature: string) =>
    fixture.post("/v1/publish", payload, {
      authorization: "Bearer signer-key",
      "x-signature-timestamp": timestamp,
      "x-signature": signature,
    });
  return { ...fixture, send, advance: (ms: number) => (clock += ms) };
}

async function expectRefused(response: Response, status = 401, code = "unauthorized") {
  expect(response.status).toBe(status);
  const payload = (await response.json()) as { error: { code: string; message: string } };
  expect(payload.error.code).toBe(code);
  return payload.error.message;
}

describe("signed requests", () => {
  it("accepts a request signed over its timestamp and exact body", async () => {
    const { send, emitted } = setup();
    expect((await send(body, NOW, signRequest(SECRET, NOW, body))).status).toBe(202);
    expect(emitted).toHaveLength(1);
  });

  it("accepts upper-case hex", async () => {
    const { send } = setup();
    const signature = signRequest(SECRET, NOW, body).replace(/^v1=(.*)$/, (_, hex: string) => `v1=${hex.toUpperCase()}`);
    expect((await send(body, NOW, signature)).status).toBe(202);
  });

  it("refuses a request from a signing key that carries no signature", async () => {
    const { post, emitted } = setup();
    const message = await expectRefused(await post("/v1/publish", body, { authorization: "Bearer signer-key" }));
    expect(message).toMatch(/must sign/);
    expect(emitted).toEqual([]);
  });

  it("refuses a timestamp older than five minutes, and accepts one just inside", async () => {
    const { send, emitted } = setup();
    const stale = String(NOW_MS / 1000 - 301);
    expect(await expectRefused(await send(body, stale, signRequest(SECRET, stale, body)))).toMatch(/300 s/);
    const edge = String(NOW_MS / 1000 - 299);
    expect((await send(body, edge, signRequest(SECRET, edge, body))).status).toBe(202);
    expect(emitted).toHaveLength(1);
  });

  it("refuses a timestamp more than five minutes in the future", async () => {
    const { send, emitted } = setup();
    const future = String(NOW_MS / 1000 + 301);
    await expectRefused(await send(body, future, signRequest(SECRET, future, body)));
    expect(emitted).toEqual([]);
  });

  it("refuses a body changed after signing, even by one byte of whitespace", async () => {
    const { send, emitted } = setup();
    const signature = signRequest(SECRET, NOW, body);
    expect(await expectRefused(await send(`${body} `, NOW, signature))).toMatch(/does not match/);
    await expectRefused(await send(body.replace("paid", "void"), NOW, signature));
    expect(emitted).toEqual([]);
  });

  it("refuses a signature moved to another timestamp", async () => {
    const { send } = setup();
    const other = String(NOW_MS / 1000 - 1);
    await expectRefused(await send(body, other, signRequest(SECRET, NOW, body)));
  });

  it("refuses signatures of the wrong length, version or alphabet without failing", async () => {
    const { send, emitted } = setup();
    const hex = signRequest(SECRET, NOW, body).slice(3);
    for (const signature of [`v1=${hex.slice(0, 62)}`, `v1=${hex}00`, `v1=`, hex, `v0=${hex}`, `v1=${hex.slice(0, 63)}g`, `v1=${hex},v1=${hex}`]) {
      await expectRefused(await send(body, NOW, signature));
    }
    expect(emitted).toEqual([]);
  });

  it("refuses a signature made with another secret", async () => {
    const { send } = setup();
    await expectRefused(await send(body, NOW, signRequest("some-other-secret-of-any-length", NOW, body)));
  });

  it("refuses the same signed request a second time within the window, and still after the clock moved on", async () => {
    const { send, emitted, advance } = setup();
    const signature = signRequest(SECRET, NOW, body);
    expect((await send(body, NOW, signature)).status).toBe(202);
    expect(await expectRefused(await send(body, NOW, signature))).toMatch(/already used/);
    advance(290_000);
    await expectRefused(await send(body, NOW, signature));
    expect(emitted).toHaveLength(1);
  });

  it("signs the raw bytes, so a body that is not valid UTF-8 passes the signature and fails as JSON", async () => {
    const { send } = setup();
    const raw = new Uint8Array([0x7b, 0xff, 0xfe, 0x7d]);
    await expectRefused(await send(raw, NOW, signRequest(SECRET, NOW, raw)), 400, "invalid_request");
  });

  it("answers 503 when used signatures cannot be checked, rather than risk a replay", async () => {
    const { send, emitted } = setup({ claim: async () => Promise.reject(new Error("redis down")) });
    const response = await send(body, NOW, signRequest(SECRET, NOW, body));
    await expectRefused(response, 503, "unavailable");
    expect(response.headers.get("retry-after")).toBe("1");
    expect(emitted).toEqual([]);
  });

  it("does not ask keys without a signing secret to sign", async () => {
    const { post } = setup();
    expect((await post("/v1/publish", body)).status).toBe(202);
  });

  it("lets a signing key read a job's status without a signature", async () => {
    const fixture = publishAppFixture({
      keys: [signer],
      notifications: { enqueue: async () => ({ jobId: "j" }), status: async (jobId) => ({ jobId, state: "completed", attemptsMade: 1 }) },
    });
    const response = await fixture.app.request("/v1/notifications/j", { headers: { authorization: "Bearer signer-key" } });
    expect(response.status).toBe(200);
  });
});
