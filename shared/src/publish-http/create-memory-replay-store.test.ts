import { describe, expect, it } from "vitest";
import { createMemoryReplayStore } from "./create-memory-replay-store.js";

describe("createMemoryReplayStore", () => {
  it("claims an id once until it expires", async () => {
    let now = 0;
    const store = createMemoryReplayStore({ now: () => now });
    expect(await store.claim("a", 1000)).toBe(true);
    expect(await store.claim("a", 1000)).toBe(false);
    expect(await store.claim("b", 1000)).toBe(true);
    now = 1000;
    expect(await store.claim("a", 1000)).toBe(true);
  });

  it("refuses new claims when full of live ones instead of forgetting one, and makes room as they expire", async () => {
    let now = 0;
    const store = createMemoryReplayStore({ maxEntries: 2, now: () => now });
    await store.claim("a", 1000);
    await store.claim("b", 2000);
    await expect(store.claim("c", 1000)).rejects.toThrow(/maximum/);
    expect(await store.claim("a", 1000)).toBe(false);
    now = 1500;
    expect(await store.claim("c", 1000)).toBe(true);
    expect(await store.claim("b", 1000)).toBe(false);
  });
});
