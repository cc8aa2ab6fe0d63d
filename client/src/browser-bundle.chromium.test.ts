import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchChromium, openPage, servePages, type PageServer } from "../../test/support/chromium.js";
import { postJson } from "../../test/support/publish-api-client.js";
import { startService, type ServiceProcess } from "../../test/support/service-process.js";

const BUNDLE = fileURLToPath(new URL("../dist/browser/socket-server-client.js", import.meta.url));
const SCREENSHOT = "/tmp/socket-server-client-page.png";
const ROOM = "news:browser";

// The page an application would write: the bundle imported as an ES module, no bundler. It
// reconnects 1.5 s after a drop, so that the test can publish while it is away.
const PAGE = `<!doctype html>
<html><head><meta charset="utf-8"><title>socket-server client</title>
<style>body { font: 16px sans-serif; margin: 2em } li { font-family: monospace }</style></head>
<body><h1>socket-server client in a page</h1><p>status: <b id="status">loading</b></p><ol id="log"></ol>
<script type="module">
  import { createClient } from "/socket-server-client.js";
  const gateway = new URLSearchParams(location.search).get("gateway");
  const client = createClient(gateway, { socketOptions: { reconnectionDelay: 1500, randomizationFactor: 0 } });
  const status = document.getElementById("status");
  window.client = client;
  window.received = [];
  window.losses = [];
  const subscription = client.subscribe(${JSON.stringify(ROOM)}, (data, meta, event) => {
    window.received.push({ data, meta, event });
    const item = document.createElement("li");
    item.textContent = event + " #" + meta.offset + " " + JSON.stringify(data);
    document.getElementById("log").append(item);
  }, { onUnrecoverable: (info) => window.losses.push(info) });
  client.socket.on("disconnect", () => (status.textContent = "disconnected"));
  client.socket.on("connect", () => (status.textContent = "connected"));
  subscription.ready.then(() => { status.textContent = "subscribed"; window.ready = true; });
</script></body></html>`;

describe("the browser bundle in headless Chromium", () => {
  let pages: PageServer;
  let service: ServiceProcess;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    browser = await launchChromium();
    if (!existsSync(BUNDLE)) throw new Error(`${BUNDLE} is missing: run \`npm run build\` first (npm test does)`);
    pages = await servePages({
      "/": { contentType: "text/html", body: () => PAGE },
      "/socket-server-client.js": { contentType: "text/javascript", body: () => readFileSync(BUNDLE) },
    });
    // The page and the gateway are different origins, as in production: CORS must allow the page's.
    service = await startService("root", { CORS_ORIGINS: pages.origin });
    page = await openPage(browser, `${pages.origin}/?gateway=${encodeURIComponent(service.url)}`);
  });

  afterAll(async () => {
    await browser?.close();
    await pages?.close();
    expect(await service?.stop()).toBe(0);
  });

  const publish = async (data: unknown) => {
    const response = await postJson(service.url, "/v1/publish", "dev-publish-key", { room: ROOM, event: "headline", data });
    expect(response.status).toBe(202);
  };
  const received = async () => (await page.evaluate("window.received.map((message) => message.data)")) as unknown[];

  it("subscribes, receives published events with their meta, and resumes after a dropped connection", async () => {
    await page.waitForFunction("window.ready === true", undefined, { timeout: 10_000 });
    await publish({ title: "first" });
    await page.waitForFunction("window.received.length === 1", undefined, { timeout: 10_000 });
    const [first] = (await page.evaluate("window.received")) as Array<{ event: string; meta: Record<string, unknown> }>;
    expect(first).toMatchObject({ event: "headline", meta: { room: ROOM, offset: 1 } });

    await page.evaluate("window.client.socket.io.engine.close()");
    await publish({ title: "while away" });
    expect(await page.evaluate("window.client.socket.connected"), "the page came back before the publish").toBe(false);
    await page.waitForFunction("window.received.length === 2", undefined, { timeout: 10_000 });
    await publish({ title: "after" });
    await page.waitForFunction("window.received.length === 3", undefined, { timeout: 10_000 });
    expect(await received()).toEqual([{ title: "first" }, { title: "while away" }, { title: "after" }]);
    expect(await page.evaluate("window.losses.length")).toBe(0);
    await page.screenshot({ path: SCREENSHOT });
  });
});
