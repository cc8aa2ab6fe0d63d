import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { launchChromium } from "../support/chromium.js";
import { startService, type ServiceProcess } from "../support/service-process.js";
import { deleteKeys, testPrefix } from "../support/test-prefix.js";

const KEY = "queue-board-publish-key-0123456789";
const ADMIN = { username: "ops", password: "correct-horse-battery" };
const JOBS = ["later-1", "later-2", "later-3"];
const SCREENSHOT = "/tmp/bull-board.png";
const basic = (username: string, password: string) => `Basic ${Buffer.from(`${username}:${password}`).toString("base64")}`;

describe("the notifications queue board on publish-api, in headless Chromium", () => {
  const prefix = testPrefix("queue-board");
  let browser: Browser;
  let api: ServiceProcess;
  let plain: ServiceProcess;

  beforeAll(async () => {
    browser = await launchChromium();
    const env = { REDIS_URL: inject("redisUrl"), REDIS_PREFIX: prefix, PUBLISH_API_KEYS: KEY };
    [api, plain] = await Promise.all([
      startService("publish-api", { ...env, ADMIN_USERNAME: ADMIN.username, ADMIN_PASSWORD: ADMIN.password }),
      startService("publish-api", env),
    ]);
    // No worker runs, and they are due in ten minutes: they stay delayed for the whole file.
    for (const [n, jobId] of JOBS.entries()) {
      const response = await fetch(`${api.url}/v1/notifications`, {
        method: "POST",
        headers: { authorization: `Bearer ${KEY}` },
        body: JSON.stringify({ room: `orders:${n + 1}`, event: "order.updated", data: { n: n + 1 }, delayMs: 600_000, jobId }),
      });
      expect(response.status).toBe(202);
    }
  });

  afterAll(async () => {
    await browser?.close();
    expect(await api?.stop()).toBe(0);
    expect(await plain?.stop()).toBe(0);
    await deleteKeys(inject("redisUrl"), prefix);
  });

  const state = async (jobId: string) => {
    const response = await fetch(`${api.url}/v1/notifications/${jobId}`, { headers: { authorization: `Bearer ${KEY}` } });
    return ((await response.json()) as { state: string }).state;
  };

  it("shows the queued notifications, read-only, to a browser given ADMIN_USERNAME and ADMIN_PASSWORD", async () => {
    const context = await browser.newContext({ viewport: { width: 1400, height: 900 }, httpCredentials: ADMIN });
    const page = await context.newPage();
    page.setDefaultTimeout(10_000);
    page.on("pageerror", (error) => console.error("page error:", error));
    const outside: string[] = [];
    const blocked: string[] = [];
    page.on("request", (request) => void (request.url().startsWith(`${api.url}/`) || outside.push(request.url())));
    page.on("requestfailed", (request) => void (request.failure()?.errorText === "csp" && blocked.push(request.url())));

    const response = await page.goto(`${api.url}/admin/queues/queue/notifications?status=delayed`);
    expect(response?.status()).toBe(200);
    for (const jobId of JOBS) await page.getByText(new RegExp(`\\.${jobId}$`)).waitFor();
    await page.getByText('"orders:2"').waitFor();
    // readOnlyMode: none of the job actions bull-board otherwise offers on a delayed job.
    expect(await page.getByRole("button", { name: /promote|retry|delete|duplicate|clean/i }).count()).toBe(0);
    await page.screenshot({ path: SCREENSHOT });

    // The page's Google Fonts stylesheet is blocked by its policy before anything leaves.
    expect(outside.filter((url) => !blocked.includes(url))).toEqual([]);
    await context.close();
  });

  it("answers 401 with a basic-auth challenge without the credentials or with wrong ones", async () => {
    for (const path of ["/admin/queues", "/admin/queues/api/queues", "/admin/queues/static/images/logo.svg"]) {
      for (const authorization of [undefined, basic(ADMIN.username, "wrong-password-123"), basic("root", ADMIN.password)]) {
        const response = await fetch(`${api.url}${path}`, { headers: authorization ? { authorization } : {} });
        expect(response.status, path).toBe(401);
        expect(response.headers.get("www-authenticate")).toBe('Basic realm="socket-server admin"');
        expect(await response.json()).toMatchObject({ error: { code: "unauthorized" } });
      }
    }
    // A browser is challenged: headless Chromium, which cannot ask anyone, gives up on the page.
    const context = await browser.newContext();
    const page = await context.newPage();
    const statuses: number[] = [];
    page.on("response", (response) => statuses.push(response.status()));
    const failure = await page.goto(`${api.url}/admin/queues`).then(() => "loaded", (error: Error) => error.message);
    expect(failure).toContain("ERR_INVALID_AUTH_CREDENTIALS");
    expect(statuses).toEqual([401]);
    await context.close();
  });

  it("lists the jobs through its API and lets nothing change them", async () => {
    const authorization = basic(ADMIN.username, ADMIN.password);
    const listed = await fetch(`${api.url}/admin/queues/api/queues`, { headers: { authorization } });
    expect(listed.status).toBe(200);
    const body = (await listed.json()) as { queues: Array<{ name: string; readOnlyMode: boolean; counts: { delayed: number } }> };
    expect(body.queues).toEqual([expect.objectContaining({ name: "notifications", readOnlyMode: true, counts: expect.objectContaining({ delayed: 3 }) })]);

    const actions = [
      ["PUT", "/admin/queues/api/queues/pause"],
      ["PUT", "/admin/queues/api/queues/notifications/promote"],
      ["PUT", "/admin/queues/api/queues/notifications/empty"],
      ["PUT", `/admin/queues/api/queues/notifications/${encodeURIComponent(`x.${JOBS[0]}`)}/promote`],
      ["POST", "/admin/queues/api/queues/notifications/add"],
    ] as const;
    for (const [method, path] of actions) {
      const response = await fetch(`${api.url}${path}`, { method, headers: { authorization, "content-type": "application/json" }, body: "{}" });
      expect(response.status, `${method} ${path}`).toBe(403);
    }
    for (const jobId of JOBS) expect(await state(jobId)).toBe("delayed");
  });

  it("is off by default: without ADMIN_USERNAME and ADMIN_PASSWORD there is no board, credentials or not", async () => {
    const withAndWithout: Array<Record<string, string>> = [{}, { authorization: basic(ADMIN.username, ADMIN.password) }];
    for (const headers of withAndWithout) {
      const response = await fetch(`${plain.url}/admin/queues`, { headers });
      expect(response.status).toBe(404);
      expect(await response.json()).toMatchObject({ error: { code: "not_found" } });
    }
  });
});
