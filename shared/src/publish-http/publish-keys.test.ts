import { describe, expect, it } from "vitest";
import { z } from "zod";
import { ConfigError, loadConfig } from "../config/load-config.js";
import { PublishKeysSchema } from "./publish-keys.js";

const Schema = z.object({ PUBLISH_API_KEYS: PublishKeysSchema });
const parse = (value: string) => loadConfig(Schema, { PUBLISH_API_KEYS: value }).PUBLISH_API_KEYS;

function problems(value: string): string[] {
  try {
    parse(value);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error("expected a ConfigError");
}

describe("PUBLISH_API_KEYS", () => {
  it("still reads a plain comma-separated list as unrestricted keys", () => {
    expect(parse(" a, b,,c ")).toEqual([
      { key: "a", rooms: undefined, signingSecret: undefined },
      { key: "b", rooms: undefined, signingSecret: undefined },
      { key: "c", rooms: undefined, signingSecret: undefined },
    ]);
  });

  it("reads room patterns and a signing secret after a key", () => {
    expect(parse("k1 rooms=orders:*|audit signing-secret=0123456789abcdef==, k2")).toEqual([
      { key: "k1", rooms: ["orders:*", "audit"], signingSecret: "0123456789abcdef==" },
      { key: "k2", rooms: undefined, signingSecret: undefined },
    ]);
  });

  it("reads rooms=* as every room", () => {
    expect(parse("k rooms=*")[0]!.rooms).toBeUndefined();
  });

  it("refuses at boot what an operator would get wrong, naming the entry but never its key or secret", () => {
    const found = problems("alpha-key room=orders:*, beta-key rooms=orders:*|bad*room, gamma-key signing-secret=short, alpha-key");
    expect(found).toHaveLength(4);
    expect(found[0]).toMatch(/entry 1: unknown or repeated option "room"/);
    expect(found[1]).toMatch(/entry 2: invalid room pattern "bad\*room"/);
    expect(found[2]).toMatch(/entry 3: signing-secret must be at least 16 characters/);
    expect(found[3]).toMatch(/entry 4 repeats the key of entry 1/);
    const text = found.join("\n");
    for (const secret of ["alpha-key", "beta-key", "gamma-key", "short"]) expect(text).not.toContain(secret);
  });

  it("refuses an empty room list and a repeated option", () => {
    expect(problems("k rooms=")).toHaveLength(1);
    expect(problems("k rooms=a rooms=b")[0]).toMatch(/repeated option "rooms"/);
  });
});
