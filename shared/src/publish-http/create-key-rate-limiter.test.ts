import { afterEach, describe, expect, it, vi } from "vitest";
import { KEY, OTHER_KEY, publishAppFixture } from "./publish-app.fixture.js";
import { createKeyRateLimiter } from "./create-key-rate-limiter.js";

const valid = { room: "orders:42", event: "e", data: 1 };
const as = (key: string) => ({ authorization: `Bearer ${key}` });

// Inside one second: the windows are the clock's seconds, and a test crossing one would see two allowances.
const midSecond = () => 7_000_500;

describe("rate limit per key (in memory, single instance)", () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it("answers 429 `rate_limited` with Retry-After once a key is over its rate and burst, and emits nothing for it", async () => {
    const { post, emitted } = publishAppFixture({ rateLimiter: createKeyRateLimiter({ perSecond: 3, burst: 2, now: midSecond }) });
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) statuses.push((await post("/v1/publish", valid)).status);
    expect(statuses).toEqual([202, 202, 202, 202, 202, 429]);
    const refused = await post("/v1/publish", valid);
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    expect(await refused.json()).toMatchObject({ error: { code: "rate_limited" } });
    expect(emitted).toHaveLength(5);
  });

  it("leaves other keys unaffected while one is limited", async () => {
    const { post } = publishAppFixture({ rateLimiter: createKeyRateLimiter({ perSecond: 2, burst: 0, now: midSecond }) });
    await post("/v1/publish", valid);
    await post("/v1/publish", valid);
    expect((await post("/v1/publish", valid)).status).toBe(429);
    expect((await post("/v1/publish", valid, as(OTHER_KEY))).status).toBe(202);
    expect((await post("/v1/publish", valid, as(OTHER_KEY))).status).toBe(202);
  });

  it("lets the key publish again once the window has passed", async () => {
    // The windows follow Date.now: a fake clock moves them.
    vi.useFakeTimers();
    const { post } = publishAppFixture({ rateLimiter: createKeyRateLimiter({ perSecond: 1, burst: 0 }) });
    expect((await post("/v1/publish", valid)).status).toBe(202);
    const refused = await post("/v1/publish", valid);
    expect(refused.status).toBe(429);
    await vi.advanceTimersByTimeAsync(Number(refused.headers.get("retry-after")) * 1000);
    expect((await post("/v1/publish", valid)).status).toBe(202);
  });

  it("does not count requests refused for a bad key", async () => {
    const { post } = publishAppFixture({ rateLimiter: createKeyRateLimiter({ perSecond: 1, burst: 0, now: midSecond }) });
    for (let i = 0; i < 5; i++) expect((await post("/v1/publish", valid, as("wrong"))).status).toBe(401);
    expect((await post("/v1/publish", valid, as(KEY))).status).toBe(202);
  });

  it("is off at 0 per second", async () => {
    const limiter = createKeyRateLimiter({ perSecond: 0, burst: 0 });
    const decisions = await Promise.all(Array.from({ length: 1000 }, () => limiter.check("k")));
    expect(decisions.every((decision) => decision.allowed)).toBe(true);
  });
});
