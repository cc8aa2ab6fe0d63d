import { describe, expect, it } from "vitest";
import { batchPerTurn, type Pending } from "./batch-per-turn.js";

describe("batchPerTurn", () => {
  it("hands the calls of one turn to send together, and a later turn's in a batch of their own", async () => {
    const batches: number[][] = [];
    const double = batchPerTurn((batch: Pending<number, number>[]) => {
      batches.push(batch.map((entry) => entry.item));
      for (const entry of batch) entry.resolve(entry.item * 2);
    });
    expect(await Promise.all([double(1), double(2), double(3)])).toEqual([2, 4, 6]);
    expect(await double(4)).toBe(8);
    expect(batches).toEqual([[1, 2, 3], [4]]);
  });

  it("rejects every call of the batch when send throws, and goes on batching", async () => {
    let fail = true;
    const call = batchPerTurn((batch: Pending<string, string>[]) => {
      if (fail) throw new Error("cannot send");
      for (const entry of batch) entry.resolve(entry.item);
    });
    const results = await Promise.allSettled([call("a"), call("b")]);
    expect(results.map((result) => result.status)).toEqual(["rejected", "rejected"]);
    fail = false;
    expect(await call("c")).toBe("c");
  });
});
