import { describe, expect, it } from "vitest";
import { createRoomMatcher } from "./room-matcher.js";
import { isRoomPattern } from "./room-name.js";

describe("createRoomMatcher", () => {
  it("matches exact names and prefixes ending in *, nothing else", () => {
    const matches = createRoomMatcher(["orders:42", "org-1:*"]);
    expect(["orders:42", "org-1:a", "org-1:"].map(matches)).toEqual([true, true, true]);
    expect(["orders:43", "orders:4", "org-10:a", "org-1"].map(matches)).toEqual([false, false, false, false]);
  });

  it("lets * cover every valid room name and no invalid one", () => {
    const matches = createRoomMatcher(["*"]);
    expect(matches("a")).toBe(true);
    expect(matches("x".repeat(128))).toBe(true);
    expect(matches("")).toBe(false);
    expect(matches("x".repeat(129))).toBe(false);
    expect(matches("has space")).toBe(false);
  });

  it("matches nothing with no patterns", () => {
    expect(createRoomMatcher([])("a")).toBe(false);
  });
});

describe("isRoomPattern", () => {
  it.each(["a", "orders:*", "*", "x".repeat(128), `${"x".repeat(127)}*`])("accepts %s", (pattern) => {
    expect(isRoomPattern(pattern)).toBe(true);
  });

  it.each(["", "a*b", "**", "x".repeat(129), `${"x".repeat(128)}*`, "bad room", 7])("refuses %s", (pattern) => {
    expect(isRoomPattern(pattern)).toBe(false);
  });
});
