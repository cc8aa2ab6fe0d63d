import { afterEach, describe, expect, it, vi } from "vitest";
import type { BufferingConnection } from "./socket-io-internals/buffered-bytes.js";
import { createSlowConsumerGuard } from "./create-slow-consumer-guard.js";

/** A connection whose WebSocket holds `bytes` unsent and whose engine.io buffer holds `queued`. */
function connection(bytes: number, queued: string[] = []): BufferingConnection {
  return { readyState: "open", writeBuffer: queued.map((data) => ({ data })), transport: { socket: { bufferedAmount: bytes } } };
}

describe("createSlowConsumerGuard", () => {
  afterEach(() => vi.useRealTimers());

  it("reports a touched connection whose socket and engine.io buffers together pass the cap", () => {
    vi.useFakeTimers();
    const slow: number[] = [];
    const guard = createSlowConsumerGuard({ maxBytes: 1000, intervalMs: 100, onSlow: (_conn, bytes) => slow.push(bytes) });
    for (const conn of [connection(10), connection(600, ["x".repeat(500)]), connection(999)]) guard.touch(conn);
    vi.advanceTimersByTime(100);
    expect(slow).toEqual([1100]);
    guard.stop();
  });

  it("checks only connections touched since the previous sweep, and skips closed ones", () => {
    vi.useFakeTimers();
    const slow: BufferingConnection[] = [];
    const guard = createSlowConsumerGuard({ maxBytes: 1000, intervalMs: 100, onSlow: (conn) => slow.push(conn) });
    const stalled = connection(5000);
    const closed = { ...connection(5000), readyState: "closed" };
    guard.touch(stalled);
    guard.touch(closed);
    vi.advanceTimersByTime(100);
    expect(slow).toEqual([stalled]);

    // Nothing written to it since: its buffer cannot have grown, so it is not read again.
    vi.advanceTimersByTime(500);
    expect(slow).toEqual([stalled]);
    guard.touch(stalled);
    guard.touch(stalled);
    vi.advanceTimersByTime(100);
    expect(slow).toEqual([stalled, stalled]);
    guard.stop();
  });

  it("sets no timer until something is written, and none after a sweep until the next write", () => {
    vi.useFakeTimers();
    const slow: BufferingConnection[] = [];
    const guard = createSlowConsumerGuard({ maxBytes: 1000, intervalMs: 100, onSlow: (conn) => slow.push(conn) });
    expect(vi.getTimerCount()).toBe(0);
    const stalled = connection(5000);
    guard.touch(stalled);
    guard.touch(connection(10));
    expect(vi.getTimerCount()).toBe(1);
    vi.advanceTimersByTime(100);
    expect(slow).toEqual([stalled]);
    expect(vi.getTimerCount()).toBe(0);
    // A write within a sweep's interval waits for that sweep, no later.
    guard.touch(stalled);
    vi.advanceTimersByTime(60);
    guard.touch(stalled);
    vi.advanceTimersByTime(40);
    expect(slow).toEqual([stalled, stalled]);
    guard.stop();
    guard.touch(stalled);
    expect(vi.getTimerCount()).toBe(0);
  });
});
