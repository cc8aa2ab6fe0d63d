import { z } from "zod";
import { isRoomPattern } from "../events/index.js";

/** One entry of `PUBLISH_API_KEYS`: a bearer key and what it may do. */
export interface PublishKeyConfig {
  key: string;
  /** Room patterns (`orders:*` prefix, `orders:42` exact); `undefined` = every room. */
  rooms: string[] | undefined;
  /** Present = every POST with this key must carry an HMAC signature made with this secret. */
  signingSecret: string | undefined;
}

export const MIN_SIGNING_SECRET_LENGTH = 16;

/**
 * `PUBLISH_API_KEYS`: comma-separated entries, each a key optionally followed by
 * space-separated options: `key rooms=orders:*|invoices:* signing-secret=...`. A plain key list
 * (the old format) is still valid. Messages name entries by position, never by their key, because
 * a boot error is printed and collected by log shippers.
 */
export const PublishKeysSchema = z
  .string()
  .default("")
  .transform((value, ctx): PublishKeyConfig[] => {
    const entries = value
      .split(",")
      .map((entry) => entry.trim())
      .filter((entry) => entry.length > 0);
    const parsed: PublishKeyConfig[] = [];
    const problem = (message: string) => ctx.addIssue({ code: "custom", message, input: "[redacted]" });
    entries.forEach((entry, index) => {
      const where = `entry ${index + 1}`;
      const [key, ...options] = entry.split(/\s+/) as [string, ...string[]];
      const config: PublishKeyConfig = { key, rooms: undefined, signingSecret: undefined };
      for (const option of options) {
        const [name, ...rest] = option.split("=");
        const optionValue = rest.join("=");
        if (name === "rooms" && config.rooms === undefined) {
          const patterns = optionValue.split("|");
          const bad = patterns.filter((pattern) => !isRoomPattern(pattern));
          if (bad.length > 0) problem(`${where}: invalid room pattern ${JSON.stringify(bad[0])} (a room name, or a prefix ending in *)`);
          config.rooms = patterns.includes("*") ? undefined : patterns;
        } else if (name === "signing-secret" && config.signingSecret === undefined) {
          if (optionValue.length < MIN_SIGNING_SECRET_LENGTH) {
            problem(`${where}: signing-secret must be at least ${MIN_SIGNING_SECRET_LENGTH} characters`);
          }
          config.signingSecret = optionValue;
        } else {
          // Only the option's name: its value may be a secret.
          problem(`${where}: unknown or repeated option ${JSON.stringify(name)} (expected rooms=… or signing-secret=…)`);
        }
      }
      const earlier = parsed.findIndex((other) => other.key === key);
      if (earlier >= 0) problem(`${where} repeats the key of entry ${earlier + 1}`);
      parsed.push(config);
    });
    return parsed;
  });
