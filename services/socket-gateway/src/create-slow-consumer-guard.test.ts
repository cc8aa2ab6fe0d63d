import { afterEach, describe, expect, it, vi } from "vitest";
import type { BufferingConnection } from "./buffered-bytes.js";
import { createSlowConsumerGuard } from "./create-slow-consumer-guard.js";

/** A connection whose WebSocket holds `bytes` unsent and whose engine.io buffer holds `queued`. */
function connection(bytes: number, queued: string[] = []): BufferingConnection {
  return { writeBuffer: queued.map((data) => ({ data })), transport: { socket: { bufferedAmount: bytes } } } as BufferingConnection;
}

describe("createSlowConsumerGuard", () => {
  afterEach(() => vi.useRealTimers());

  it("reports a connection whose socket and engine.io buffers together pass the cap", () => {
    vi.useFakeTimers();
    const slow: number[] = [];
    const open = { a: connection(10), b: connection(600, ["x".repeat(500)]), c: connection(999) };
    const guard = createSlowConsumerGuard({ connections: () => open, maxBytes: 1000, intervalMs: 100, onSlow: (_conn, bytes) => slow.push(bytes) });
    vi.advanceTimersByTime(100);
    expect(slow).toEqual([1100]);
    guard.stop();
  });

  it("skips sweeps while nothing was broadcast, and sweeps again once something was", () => {
    vi.useFakeTimers();
    let broadcasts = 0;
    let reads = 0;
    const open = {
      a: {
        writeBuffer: [],
        transport: {
          socket: {
            get bufferedAmount() {
              reads++;
              return 5000;
            },
          },
        },
      } as unknown as BufferingConnection,
    };
    const slow: number[] = [];
    const guard = createSlowConsumerGuard({
      connections: () => open,
      maxBytes: 1000,
      intervalMs: 100,
      onSlow: (_conn, bytes) => slow.push(bytes),
      activity: () => broadcasts,
    });
    vi.advanceTimersByTime(100);
    expect(reads).toBe(1);
    vi.advanceTimersByTime(500);
    expect(reads).toBe(1);
    broadcasts++;
    vi.advanceTimersByTime(100);
    expect(reads).toBe(2);
    expect(slow).toEqual([5000, 5000]);
    guard.stop();
  });
});
