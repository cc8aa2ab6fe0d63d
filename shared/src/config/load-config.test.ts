import { describe, expect, it } from "vitest";
import { z } from "zod";
import { commonEnvFields, envBoolean, envInteger, envList } from "./env-fields.js";
import { ConfigError, loadConfig } from "./load-config.js";

const Schema = z.object({
  ...commonEnvFields(4000),
  REDIS_ENABLED: envBoolean(false),
  MAX_CONNECTIONS: envInteger(10_000, { min: 1 }),
  PUBLISH_API_KEYS: envList,
});

function problems(env: Record<string, string>): string[] {
  try {
    loadConfig(Schema, env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error("expected a ConfigError");
}

describe("loadConfig", () => {
  it("applies the contract's defaults to an empty environment", () => {
    expect(loadConfig(Schema, {})).toEqual({
      PORT: 4000,
      HOST: "0.0.0.0",
      REDIS_URL: "redis://127.0.0.1:6379",
      REDIS_PREFIX: "socket-server",
      LOG_LEVEL: "info",
      SHUTDOWN_TIMEOUT_MS: 25_000,
      METRICS_EMF: false,
      REDIS_ENABLED: false,
      MAX_CONNECTIONS: 10_000,
      PUBLISH_API_KEYS: [],
    });
  });

  it("reads 'false' and '0' as false, 'true' and '1' as true", () => {
    expect(loadConfig(Schema, { REDIS_ENABLED: "false" }).REDIS_ENABLED).toBe(false);
    expect(loadConfig(Schema, { REDIS_ENABLED: "0" }).REDIS_ENABLED).toBe(false);
    expect(loadConfig(Schema, { REDIS_ENABLED: "true" }).REDIS_ENABLED).toBe(true);
    expect(loadConfig(Schema, { REDIS_ENABLED: "1" }).REDIS_ENABLED).toBe(true);
  });

  it("refuses any other boolean spelling", () => {
    expect(problems({ REDIS_ENABLED: "yes" })).toEqual(["REDIS_ENABLED: expected one of true, false, 1, 0"]);
  });

  it("lists every problem at once", () => {
    const found = problems({ PORT: "http", REDIS_URL: "localhost:6379", MAX_CONNECTIONS: "0", LOG_LEVEL: "loud" });
    expect(found.map((problem) => problem.split(":")[0])).toEqual(
      expect.arrayContaining(["PORT", "REDIS_URL", "MAX_CONNECTIONS", "LOG_LEVEL"]),
    );
    expect(found).toHaveLength(4);
  });

  it("accepts rediss:// URLs with credentials", () => {
    expect(loadConfig(Schema, { REDIS_URL: "rediss://user:secret@cache.example:6380/0" }).REDIS_URL).toBe(
      "rediss://user:secret@cache.example:6380/0",
    );
  });

  it("treats an empty variable as unset", () => {
    expect(loadConfig(Schema, { PORT: "" }).PORT).toBe(4000);
  });

  it("splits comma-separated keys and drops blanks", () => {
    expect(loadConfig(Schema, { PUBLISH_API_KEYS: " a, b,,c " }).PUBLISH_API_KEYS).toEqual(["a", "b", "c"]);
  });

  it("names the variables in the error message", () => {
    expect(() => loadConfig(Schema, { PORT: "70000" })).toThrow(/PORT/);
  });
});
