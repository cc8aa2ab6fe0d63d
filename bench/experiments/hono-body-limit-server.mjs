import { serve } from "@hono/node-server";
import { Hono } from "hono";
import { bodyLimit } from "hono/body-limit";

/**
 * A Hono app on @hono/node-server with one POST route that parses JSON, with or without hono's
 * bodyLimit (VARIANT=body-limit | content-length). bodyLimit reads `c.req.raw.body`, which makes
 * @hono/node-server build a full Request (AbortController, ReadableStream, Headers) per request
 * instead of reading the body directly; checking Content-Length keeps the limit without that.
 */
const MAX = 192 * 1024;
const app = new Hono();
app.get("/health", (c) => c.json({ status: "ok" }));
if (process.env.VARIANT === "body-limit") {
  app.use("/v1/*", bodyLimit({ maxSize: MAX, onError: (c) => c.json({ error: "too large" }, 413) }));
} else {
  app.use("/v1/*", async (c, next) => {
    const length = Number(c.req.header("content-length"));
    // Chunked bodies (no Content-Length) would need a counting read; the publish API can refuse them.
    if (!Number.isFinite(length) || length > MAX) return c.json({ error: "too large" }, 413);
    await next();
  });
}
app.post("/v1/publish", async (c) => {
  const body = JSON.parse(await c.req.text());
  return c.json({ id: "x", rooms: [body.room] }, 202);
});
serve({ fetch: app.fetch, port: Number(process.env.PORT), hostname: process.env.HOST });
process.on("SIGTERM", () => process.exit(0));
