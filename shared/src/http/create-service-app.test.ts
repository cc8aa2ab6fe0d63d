import { pino } from "pino";
import { Registry } from "prom-client";
import { describe, expect, it } from "vitest";
import { createCommonMetrics } from "../metrics/index.js";
import { createServiceApp } from "./create-service-app.js";

function setup() {
  const lines: Array<Record<string, unknown>> = [];
  const logger = pino({ level: "info" }, { write: (line: string) => void lines.push(JSON.parse(line)) });
  const registry = new Registry();
  let draining = false;
  let redis: "up" | "down" = "up";
  const app = createServiceApp({
    logger,
    metrics: createCommonMetrics(registry),
    registry,
    checks: async () => ({ redis }),
    draining: () => draining,
  });
  app.get("/items/:id", (c) => c.json({ id: c.req.param("id") }));
  app.get("/broken", () => {
    throw new Error("database password is hunter2");
  });
  return {
    app,
    lines,
    registry,
    setDraining: () => (draining = true),
    setRedis: (state: "up" | "down") => (redis = state),
  };
}

describe("createServiceApp", () => {
  it("logs an unexpected error with the request id it returns, and answers 500 internal without details", async () => {
    const { app, lines } = setup();
    const response = await app.request("/broken");
    expect(response.status).toBe(500);
    expect(await response.json()).toEqual({ error: { code: "internal", message: "internal error" } });
    const id = response.headers.get("x-request-id");
    expect(id).toMatch(/\S{8,}/);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ requestId: id, path: "/broken", msg: "unhandled error in route" });
  });

  it("keeps a caller's X-Request-Id so logs can be followed across services", async () => {
    const { app } = setup();
    const response = await app.request("/items/1", { headers: { "x-request-id": "trace-123" } });
    expect(response.headers.get("x-request-id")).toBe("trace-123");
  });

  it("counts answers by route pattern and status class, never by raw path", async () => {
    const { app, registry } = setup();
    await app.request("/items/1");
    await app.request("/items/2");
    await app.request("/nowhere");
    await app.request("/broken");
    const text = await registry.getSingleMetricAsString("socket_server_http_requests_total");
    expect(text).toContain('socket_server_http_requests_total{route="/items/:id",status="2xx"} 2');
    expect(text).toContain('socket_server_http_requests_total{route="unmatched",status="4xx"} 1');
    expect(text).toContain('socket_server_http_requests_total{route="/broken",status="5xx"} 1');
    expect(await registry.getSingleMetricAsString("socket_server_errors_total")).toContain('kind="internal"} 1');
  });

  it("stays live on /health while /ready follows Redis and draining", async () => {
    const { app, setDraining, setRedis } = setup();
    expect(await (await app.request("/ready")).json()).toEqual({ status: "ok", checks: { redis: "up" } });
    setRedis("down");
    const down = await app.request("/ready");
    expect(down.status).toBe(503);
    expect(await down.json()).toEqual({ status: "unavailable", checks: { redis: "down" } });
    expect((await app.request("/health")).status).toBe(200);
    setRedis("up");
    setDraining();
    const draining = await app.request("/ready");
    expect(draining.status).toBe(503);
    expect(await draining.json()).toMatchObject({ status: "draining" });
    expect((await app.request("/health")).status).toBe(200);
  });

  it("serves Prometheus text on /metrics", async () => {
    const { app } = setup();
    const response = await app.request("/metrics");
    expect(response.headers.get("content-type")).toMatch(/^text\/plain/);
    expect(await response.text()).toContain("socket_server_errors_total");
  });
});
