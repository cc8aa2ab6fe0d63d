import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchChromium, openPage, servePages, type PageRoutes, type PageServer } from "../support/chromium.js";
import { readMetric } from "../support/gateway-metrics.js";
import { startService, type ServiceProcess } from "../support/service-process.js";

// The stock browser build, as a page loads it from a CDN (the package's exports do not list it).
const SOCKET_IO_BUILD = join(dirname(createRequire(import.meta.url).resolve("socket.io-client/package.json")), "dist/socket.io.min.js");
const REFUSED = 'socket_server_connections_refused_total{reason="origin_not_allowed"';

// A page an application would write: the stock client with its default reconnection options, over
// `?transports=websocket` or the default transports (long-polling first), recording what it sees.
const PAGE = `<!doctype html>
<html><head><meta charset="utf-8"><title>origin check</title><script src="/socket.io.min.js"></script></head>
<body><script>
  const params = new URLSearchParams(location.search);
  const transports = params.get("transports");
  const socket = io(params.get("gateway"), transports ? { transports: transports.split(",") } : {});
  window.socket = socket;
  window.seen = { connects: 0, reconnectAttempts: 0, errors: [] };
  socket.on("connect", () => window.seen.connects++);
  socket.on("connect_error", (error) => window.seen.errors.push({ message: error.message, data: error.data ?? null, active: socket.active }));
  socket.io.on("reconnect_attempt", () => window.seen.reconnectAttempts++);
</script></body></html>`;

const ROUTES: PageRoutes = {
  "/": { contentType: "text/html", body: () => PAGE },
  "/socket.io.min.js": { contentType: "text/javascript", body: () => readFileSync(SOCKET_IO_BUILD) },
};

interface Seen {
  connects: number;
  reconnectAttempts: number;
  errors: Array<{ message: string; data: unknown; active: boolean }>;
}

// A stock client retries a transport failure after reconnectionDelay * (1 ± randomizationFactor),
// at most 1.5 s by default: a page quiet for longer than that has given up.
const LONGER_THAN_A_RETRY_MS = 2_000;

describe("a page's origin, in headless Chromium with the stock socket.io-client", () => {
  let browser: Browser;
  let allowed: PageServer;
  let foreign: PageServer;
  let gateway: ServiceProcess;

  beforeAll(async () => {
    browser = await launchChromium();
    // Another port is another origin: the same pages, served once from a listed origin and once not.
    [allowed, foreign] = await Promise.all([servePages(ROUTES), servePages(ROUTES)]);
    gateway = await startService("root", { CORS_ORIGINS: allowed.origin });
  });

  afterAll(async () => {
    await browser?.close();
    await Promise.all([allowed?.close(), foreign?.close()]);
    expect(await gateway?.stop()).toBe(0);
  });

  const open = (site: PageServer, { transports, console: lines }: { transports?: string; console?: string[] } = {}) => {
    const query = new URLSearchParams({ gateway: gateway.url, ...(transports ? { transports } : {}) });
    return openPage(browser, `${site.origin}/?${query}`, lines && ((message) => lines.push(message.text())));
  };
  const seen = async (page: Page) => (await page.evaluate("window.seen")) as Seen;
  const refusals = async () => (await readMetric(gateway.url, REFUSED)) ?? 0;

  it("lets a page from an origin in CORS_ORIGINS connect, over WebSocket and over long-polling", async () => {
    for (const transports of ["websocket", undefined]) {
      const page = await open(allowed, { transports });
      await page.waitForFunction("window.seen.connects === 1", undefined, { timeout: 10_000 });
      expect(await page.evaluate("window.socket.connected"), `transports ${transports ?? "default"}`).toBe(true);
      expect((await seen(page)).errors).toEqual([]);
      await page.close();
    }
  });

  it("refuses a page from another origin over WebSocket for good, saying why, and counts it", async () => {
    const before = await refusals();
    const page = await open(foreign, { transports: "websocket" });
    await page.waitForFunction("window.seen.errors.length === 1", undefined, { timeout: 10_000 });
    expect((await seen(page)).errors[0]).toEqual({
      message: "origin_not_allowed",
      data: { code: "origin_not_allowed", retryable: false, message: expect.stringContaining("CORS_ORIGINS") },
      active: false,
    });
    expect(await refusals()).toBe(before + 1);

    // Nothing to wait for: what is asserted is that nothing happens.
    await page.waitForTimeout(LONGER_THAN_A_RETRY_MS);
    expect(await seen(page)).toMatchObject({ connects: 0, reconnectAttempts: 0, errors: [{ message: "origin_not_allowed" }] });
    expect(await page.evaluate("window.socket.active")).toBe(false);
    expect(await refusals(), "the gateway saw another attempt").toBe(before + 1);
    await page.close();
  });

  it("leaves a page from another origin on long-polling with only a transport error, which the stock client keeps retrying", async () => {
    const lines: string[] = [];
    const page = await open(foreign, { console: lines });
    // Three failed attempts (two of them reconnections, with the default backoff) take a few seconds.
    await page.waitForFunction("window.seen.errors.length >= 3", undefined, { timeout: 15_000 });
    const { connects, reconnectAttempts, errors } = await seen(page);
    expect(connects).toBe(0);
    expect(reconnectAttempts).toBeGreaterThanOrEqual(2);
    // The gateway's answer has no Access-Control-Allow-Origin for this origin: the browser hides
    // it, and the page learns neither the code nor that retrying is pointless.
    expect(errors).toEqual(errors.map(() => ({ message: "xhr poll error", data: null, active: true })));
    expect(lines.some((line) => line.includes("has been blocked by CORS policy")), lines.join("\n")).toBe(true);
    expect(await page.evaluate("window.socket.connected")).toBe(false);
    await page.close();
  });
});
