import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { chromium, type Browser, type ConsoleMessage, type Page } from "playwright-core";
import { ensureTool } from "./ensure-tool.js";

// Debian's Chromium, headless and quiet: no QUIC, no background fetches of its own (DEPENDENCY-NOTES.md).
const CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"];

/** A headless Chromium from /usr/bin/chromium, driven by playwright-core (no browser download). */
export async function launchChromium(): Promise<Browser> {
  const executablePath = ensureTool({ candidates: ["/usr/bin/chromium"], versionArgs: ["--version"], debianPackage: "chromium" });
  return chromium.launch({ executablePath, args: CHROMIUM_ARGS });
}

/**
 * A new page (its own browser context) at `url`; errors the page throws are printed. `onConsole`
 * sees the console from the first request on, the browser's own messages (a CORS block) included.
 */
export async function openPage(browser: Browser, url: string, onConsole?: (message: ConsoleMessage) => void): Promise<Page> {
  const page = await browser.newPage();
  page.on("pageerror", (error) => console.error("page error:", error));
  if (onConsole) page.on("console", onConsole);
  await page.goto(url);
  return page;
}

/** What a path serves; `body` is read per request, so a file rebuilt meanwhile is served fresh. */
export type PageRoutes = Record<string, { contentType: string; body: () => string | Buffer }>;

export interface PageServer {
  /** `http://host:port`, the origin the pages are served from. */
  origin: string;
  close(): Promise<void>;
}

/**
 * Serves `routes` on a free port of `host`, 404 for anything else: the site of a page that talks
 * to the gateway from its own origin, as in production.
 */
export async function servePages(routes: PageRoutes, host = "127.0.0.1"): Promise<PageServer> {
  const server = createServer((request, response) => {
    const route = routes[new URL(request.url ?? "/", "http://page").pathname];
    if (route) return response.writeHead(200, { "content-type": route.contentType }).end(route.body());
    response.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  return {
    origin: `http://${host}:${(server.address() as AddressInfo).port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
