import { Hono } from "hono";
import { pino } from "pino";
import { describe, expect, it } from "vitest";
import { handleErrors } from "./handle-errors.js";
import { shedLoad } from "./shed-load.js";

describe("shedLoad", () => {
  it("refuses requests beyond the limit in progress with 503 and Retry-After, and admits again once they finish", async () => {
    const app = new Hono();
    handleErrors(app, pino({ level: "silent" }));
    const release: Array<() => void> = [];
    app.use(shedLoad(2));
    app.get("/slow", async (c) => {
      await new Promise<void>((resolve) => release.push(resolve));
      return c.text("done");
    });

    const first = app.request("/slow");
    const second = app.request("/slow");
    await new Promise((resolve) => setTimeout(resolve, 10));
    const refused = await app.request("/slow");
    expect(refused.status).toBe(503);
    expect(refused.headers.get("retry-after")).toBe("1");
    expect(await refused.json()).toMatchObject({ error: { code: "unavailable" } });

    release.splice(0).forEach((resolve) => resolve());
    expect([(await first).status, (await second).status]).toEqual([200, 200]);
    const admitted = app.request("/slow");
    await new Promise((resolve) => setTimeout(resolve, 10));
    release.splice(0).forEach((resolve) => resolve());
    expect((await admitted).status).toBe(200);
  });
});
