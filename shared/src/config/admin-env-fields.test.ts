import { describe, expect, it } from "vitest";
import { z } from "zod";
import { adminCredentials, adminEnvFields, checkAdminCredentials } from "./admin-env-fields.js";
import { ConfigError, loadConfig } from "./load-config.js";

const Schema = z.object({ ...adminEnvFields() }).superRefine(checkAdminCredentials);

function problems(env: Record<string, string>): string[] {
  try {
    loadConfig(Schema, env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}

describe("the admin views' credentials", () => {
  it("leaves the admin views off when neither is set", () => {
    expect(adminCredentials(loadConfig(Schema, {}))).toBeUndefined();
    expect(adminCredentials(loadConfig(Schema, { ADMIN_USERNAME: "", ADMIN_PASSWORD: "" }))).toBeUndefined();
  });

  it("turns them on with both", () => {
    const config = loadConfig(Schema, { ADMIN_USERNAME: "ops", ADMIN_PASSWORD: "correct-horse-battery" });
    expect(adminCredentials(config)).toEqual({ username: "ops", password: "correct-horse-battery" });
  });

  it("refuses one without the other, naming the missing one", () => {
    expect(problems({ ADMIN_USERNAME: "ops" })).toEqual([expect.stringMatching(/^ADMIN_PASSWORD: set ADMIN_USERNAME and ADMIN_PASSWORD together/)]);
    expect(problems({ ADMIN_PASSWORD: "correct-horse-battery" })).toEqual([expect.stringMatching(/^ADMIN_USERNAME: /)]);
  });

  it("refuses a short password, one bcrypt would cut, and a username basic auth cannot carry", () => {
    expect(problems({ ADMIN_USERNAME: "ops", ADMIN_PASSWORD: "short" })).toEqual(["ADMIN_PASSWORD: at least 12 characters"]);
    expect(problems({ ADMIN_USERNAME: "ops", ADMIN_PASSWORD: "é".repeat(40) })).toEqual(["ADMIN_PASSWORD: at most 72 bytes"]);
    expect(problems({ ADMIN_USERNAME: "ops:root", ADMIN_PASSWORD: "correct-horse-battery" })).toEqual([
      "ADMIN_USERNAME: 1 to 64 characters, no colon or whitespace",
    ]);
  });
});
