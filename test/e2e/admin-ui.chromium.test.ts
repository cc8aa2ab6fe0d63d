import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchChromium } from "../support/chromium.js";
import { readMetric } from "../support/gateway-metrics.js";
import { startService, type ServiceProcess } from "../support/service-process.js";
import { connectClient, connectRefused, type TestClient } from "../support/socket-client.js";
import { ANONYMOUS_GATEWAY_ENV } from "../support/tokens.js";

const ADMIN = { username: "ops", password: "correct-horse-battery" };
const ROOM = "orders:42";
const SCREENSHOT = "/tmp/admin-ui.png";

describe("Socket.IO's Admin UI on a gateway, in headless Chromium", () => {
  let browser: Browser;
  let gateway: ServiceProcess;
  let plain: ServiceProcess;
  const clients: TestClient[] = [];

  beforeAll(async () => {
    browser = await launchChromium();
    const env = { ...ANONYMOUS_GATEWAY_ENV, REDIS_ENABLED: "false" };
    [gateway, plain] = await Promise.all([
      startService("socket-gateway", { ...env, ADMIN_USERNAME: ADMIN.username, ADMIN_PASSWORD: ADMIN.password, ADMIN_UI_MODE: "development" }),
      startService("socket-gateway", env),
    ]);
    for (let n = 0; n < 3; n++) {
      const client = await connectClient(gateway.url);
      clients.push(client);
      expect(await client.subscribe(ROOM)).toMatchObject({ ok: true });
    }
  });

  afterAll(async () => {
    for (const client of clients) client.close();
    await browser?.close();
    expect(await gateway?.stop()).toBe(0);
    expect(await plain?.stop()).toBe(0);
  });

  /** The UI's page in a fresh browser context, its connection form filled in and sent. */
  async function logIn(password: string, seen: { requests: string[]; console: string[] }): Promise<Page> {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    // A page that never renders fails at the first step, not at the test's deadline.
    page.setDefaultTimeout(10_000);
    page.on("pageerror", (error) => console.error("page error:", error));
    page.on("request", (request) => seen.requests.push(request.url()));
    page.on("console", (message) => seen.console.push(message.text()));
    await page.goto(`${gateway.url}/admin/`);
    await page.getByLabel("Server URL").fill(gateway.url);
    await page.getByLabel("Username").fill(ADMIN.username);
    await page.getByLabel("Password").fill(password);
    await page.getByRole("button", { name: "Connect" }).click();
    return page;
  }

  it("lists the gateway's live sockets and their room once logged in with ADMIN_USERNAME and ADMIN_PASSWORD", async () => {
    const seen = { requests: [] as string[], console: [] as string[] };
    const page = await logIn(ADMIN.password, seen);
    await page.getByText(/^connected$/i).filter({ visible: true }).waitFor({ timeout: 10_000 });

    await page.goto(`${gateway.url}/admin/#/sockets/`);
    for (const client of clients) await page.getByText(client.socket.id!, { exact: true }).waitFor();
    // The namespace `/` is the one shown: its three clients, not the admin page's own socket.
    await page.getByText(/^1-3 of 3$/).filter({ visible: true }).waitFor();
    await page.screenshot({ path: SCREENSHOT });

    await page.goto(`${gateway.url}/admin/#/rooms/`);
    const row = page.locator("table tbody tr", { hasText: ROOM });
    await row.waitFor();
    expect((await row.innerText()).split(/\s+/)).toContain("3");

    // The page's own socket is not one of the gateway's clients in its metrics.
    expect(await readMetric(gateway.url, "socket_server_connections_active")).toBe(3);
    // Everything came from the gateway: no CDN font, no hosted UI; and nothing was blocked.
    expect(seen.requests.filter((url) => !url.startsWith(`${gateway.url}/`))).toEqual([]);
    expect(seen.console.filter((line) => /Content Security Policy|Refused to/i.test(line))).toEqual([]);
    await page.close();
  });

  it("refuses a wrong password on the page's connection form, and its socket stays out", async () => {
    const page = await logIn("not-the-password", { requests: [], console: [] });
    await page.getByText(/invalid credentials/i).waitFor({ timeout: 10_000 });
    expect(await page.getByText(/^connected$/i).count()).toBe(0);
    await page.close();
  });

  it("is off by default: a gateway without ADMIN_USERNAME and ADMIN_PASSWORD answers 404 and has no admin namespace", async () => {
    for (const path of ["/admin", "/admin/", "/admin/index.html"]) {
      const response = await fetch(`${plain.url}${path}`, { redirect: "manual" });
      expect(response.status, path).toBe(404);
      expect(await response.json(), path).toMatchObject({ error: { code: "not_found" } });
    }
    expect((await fetch(`${gateway.url}/admin`, { redirect: "manual" })).status).toBe(301);
    const refused = await connectRefused(`${plain.url}/admin`);
    expect(refused.message).not.toBe("invalid credentials");
  });
});
