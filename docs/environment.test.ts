import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import type { z } from "zod";
import { PublishApiConfigSchema } from "../services/publish-api/src/config.js";
import { GatewayConfigSchema } from "../services/socket-gateway/src/config.js";
import { WorkerConfigSchema } from "../services/worker/src/config.js";

const SCHEMAS: Record<string, z.ZodObject> = {
  "socket-gateway": GatewayConfigSchema,
  "publish-api": PublishApiConfigSchema,
  worker: WorkerConfigSchema,
};

interface Row {
  variable: string;
  usedBy: string[];
  defaultText: string;
}

function readTable(): Row[] {
  const text = readFileSync(new URL("./environment.md", import.meta.url), "utf8");
  return text
    .split("\n")
    .filter((line) => /^\| `[A-Z0-9_]+` \|/.test(line))
    .map((line) => {
      const cells = line.split("|").slice(1, -1).map((cell) => cell.trim());
      return {
        variable: cells[0]!.replaceAll("`", ""),
        usedBy: cells[1]!.split(",").map((name) => name.trim()),
        defaultText: cells[2]!,
      };
    });
}

/** How a parsed default appears in the table, for the service it belongs to. */
function render(value: unknown): string {
  if (Array.isArray(value)) return value.length === 0 ? "none" : value.join(",");
  return String(value);
}

describe("docs/environment.md", () => {
  const rows = readTable();

  it("has exactly one row per variable", () => {
    const names = rows.map((row) => row.variable);
    expect(new Set(names).size).toBe(names.length);
  });

  it.each(Object.entries(SCHEMAS))("lists every variable %s reads, saying that it reads it", (service, schema) => {
    for (const variable of Object.keys(schema.shape)) {
      const row = rows.find((candidate) => candidate.variable === variable);
      expect(row, `${variable} has no row`).toBeDefined();
      expect(row!.usedBy, `${variable} row does not name ${service}`).toContain(service);
    }
  });

  it("names no service for a variable that service does not read", () => {
    for (const row of rows) {
      for (const service of row.usedBy) {
        expect(Object.keys(SCHEMAS), `${row.variable}: unknown service ${service}`).toContain(service);
        expect(Object.keys(SCHEMAS[service]!.shape), `${service} does not read ${row.variable}`).toContain(row.variable);
      }
    }
  });

  it.each(Object.entries(SCHEMAS))("shows the defaults %s's schema applies", (service, schema) => {
    // Field by field: a schema may refuse an empty environment as a whole (the gateway does, with no way to authenticate clients).
    const defaults = Object.fromEntries(
      Object.entries(schema.shape).map(([name, field]) => [name, (field as z.ZodType).parse(undefined)]),
    ) as Record<string, unknown>;
    for (const row of rows) {
      if (!row.usedBy.includes(service)) continue;
      const value = defaults[row.variable];
      if (value === undefined) {
        expect(row.defaultText, `${row.variable} has no default`).toMatch(/^(none|the service's name)$/);
        continue;
      }
      // A per-service default reads "socket-gateway `4000`, publish-api `3000`, ...".
      const perService = new RegExp(`${service} \`([^\`]*)\``).exec(row.defaultText)?.[1];
      const shown = perService ?? (row.defaultText === "none" ? "none" : row.defaultText.replaceAll("`", ""));
      expect(shown, `${row.variable} default for ${service}`).toBe(render(value));
    }
  });
});
