import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import type { OpenApiDocument } from "@socket-server/shared/publish-http";
import { launchChromium } from "../support/chromium.js";
import { createDocumentChecker, openApiProblems } from "../support/openapi-checks.js";
import { startService, type ServiceProcess } from "../support/service-process.js";
import { deleteKeys, testPrefix } from "../support/test-prefix.js";

// The root `npm start` prints and accepts this development key (README quick start).
const DEV_KEY = "dev-publish-key";
const KEY = "docs-publish-key-0123456789";

describe("the publish API's document and docs page, on both services that serve the publish API", () => {
  const redisUrl = inject("redisUrl");
  const prefix = testPrefix("docs");
  let browser: Browser;
  const services: Record<"single instance" | "publish-api", ServiceProcess> = {} as never;

  beforeAll(async () => {
    browser = await launchChromium();
    [services["single instance"], services["publish-api"]] = await Promise.all([
      // No Redis at all: a closed port.
      startService("root", { REDIS_URL: "redis://127.0.0.1:1", PUBLISH_API_KEYS: "" }),
      startService("publish-api", { REDIS_URL: redisUrl, REDIS_PREFIX: prefix, PUBLISH_API_KEYS: KEY }),
    ]);
  });

  afterAll(async () => {
    await browser?.close();
    for (const service of Object.values(services)) expect(await service?.stop()).toBe(0);
    await deleteKeys(redisUrl, prefix);
  });

  const documentOf = async (service: ServiceProcess) => {
    const response = await fetch(`${service.url}/openapi.json`);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^application\/json/);
    return (await response.json()) as OpenApiDocument;
  };

  it.each(["single instance", "publish-api"] as const)("%s serves a valid OpenAPI 3.1 document at /openapi.json without a key", async (name) => {
    const document = await documentOf(services[name]);
    expect(await openApiProblems(document)).toEqual([]);
    expect(Object.keys(document.paths)).toEqual(["/v1/publish", "/v1/notifications", "/v1/notifications/{jobId}", "/v1/rooms/{room}"]);
  });

  it.each(["single instance", "publish-api"] as const)("%s answers as its document says, queue or none", async (name) => {
    const service = services[name];
    const document = await documentOf(service);
    const checker = createDocumentChecker(document);
    const headers = { authorization: `Bearer ${name === "single instance" ? DEV_KEY : KEY}`, "content-type": "application/json" };
    const send = (method: "get" | "post", path: string, body?: unknown) =>
      fetch(`${service.url}${path}`, { method: method.toUpperCase(), headers, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
    const requests: Array<[method: "get" | "post", template: string, path: string, body: unknown, status: number]> = [
      ["post", "/v1/publish", "/v1/publish", { room: "orders:42", event: "order.updated", data: { status: "paid" } }, 202],
      ["post", "/v1/notifications", "/v1/notifications", { room: "orders:42", event: "e", data: 1, jobId: "docs-job", delayMs: 60_000 }, name === "single instance" ? 503 : 202],
      ["get", "/v1/notifications/{jobId}", "/v1/notifications/docs-job", undefined, name === "single instance" ? 503 : 200],
      ["get", "/v1/rooms/{room}", "/v1/rooms/orders:42", undefined, 200],
      ["post", "/v1/publish", "/v1/publish", { room: "orders 42", event: "e", data: 1 }, 400],
    ];
    for (const [method, template, path, body, status] of requests) {
      const response = await send(method, path, body);
      const answer: unknown = await response.json();
      expect(response.status, `${method} ${path}: ${JSON.stringify(answer)}`).toBe(status);
      expect(checker.responseProblem(method, template, response.status, answer, response.headers)).toBeUndefined();
    }
    expect(document.info.description).toContain(name === "single instance" ? "notifications unavailable" : "notifications enabled");
  });

  it.each(["single instance", "publish-api"] as const)(
    "%s renders /docs in Chromium from its own files, listing every route, with nothing refused by its policy",
    async (name) => {
      const service = services[name];
      const document = await documentOf(service);
      const consoleLines: string[] = [];
      const requested: string[] = [];
      const failed: string[] = [];
      const page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
      page.on("console", (message) => {
        if (message.type() === "error" || message.type() === "warning") consoleLines.push(message.text());
      });
      page.on("pageerror", (error) => consoleLines.push(`page error: ${error.message}`));
      page.on("request", (request) => requested.push(request.url()));
      page.on("requestfailed", (request) => failed.push(`${request.url()}: ${request.failure()?.errorText}`));
      page.on("response", (response) => {
        if (response.status() >= 400) failed.push(`${response.url()}: ${response.status()}`);
      });
      const response = await page.goto(`${service.url}/docs`);
      expect(response?.status()).toBe(200);
      // The page has its own policy; everything else keeps the API's.
      expect(response?.headers()["content-security-policy"]).toContain("script-src 'self'");
      expect((await fetch(`${service.url}/openapi.json`)).headers.get("content-security-policy")).toBe("default-src 'none'; frame-ancestors 'none'");

      await page.waitForSelector(".opblock-summary-path", { timeout: 15_000 });
      const listed = await page.$$eval(".opblock", (blocks) =>
        blocks.map((block) => `${block.querySelector(".opblock-summary-method")?.textContent} ${block.querySelector(".opblock-summary-path")?.getAttribute("data-path")}`),
      );
      const documented = Object.entries(document.paths).flatMap(([path, methods]) => Object.keys(methods).map((method) => `${method.toUpperCase()} ${path}`));
      expect(listed.sort()).toEqual(documented.sort());
      expect(await page.textContent(".info .title")).toContain(document.info.title);
      if (process.env.DOCS_SCREENSHOT) await page.screenshot({ path: process.env.DOCS_SCREENSHOT });
      // Opening an operation shows its documented answers, and "Try it out" reaches the API with the key given to "Authorize".
      await page.click(".btn.authorize");
      await page.fill(".auth-container input", name === "single instance" ? DEV_KEY : KEY);
      await page.click(".auth-btn-wrapper .btn.authorize");
      await page.click(".auth-btn-wrapper .btn-done");
      const publish = page.locator(".opblock-post").first();
      await publish.locator(".opblock-summary-control").click();
      await publish.locator(".responses-table .response[data-code='413']").waitFor({ timeout: 10_000 });
      await publish.locator(".try-out__btn").click();
      await publish.locator(".execute").click();
      await expect.poll(() => publish.locator(".live-responses-table tbody .response-col_status").first().textContent(), { timeout: 10_000 }).toContain("202");
      if (process.env.DOCS_SCREENSHOT) await page.screenshot({ path: process.env.DOCS_SCREENSHOT.replace(/(\.png)?$/, "-operation.png") });
      await page.close();

      expect(requested.filter((url) => !url.startsWith(`${service.url}/`))).toEqual([]);
      expect(failed).toEqual([]);
      expect(consoleLines).toEqual([]);
    },
    60_000,
  );

  it.each(["single instance", "publish-api"] as const)("%s serves only the page's own files under /docs, compressed when asked", async (name) => {
    const { url } = services[name];
    const bundle = await fetch(`${url}/docs/swagger-ui-bundle.js`, { headers: { "accept-encoding": "gzip" } });
    expect(bundle.status).toBe(200);
    expect(bundle.headers.get("content-encoding")).toBe("gzip");
    expect(bundle.headers.get("content-type")).toMatch(/^text\/javascript/);
    expect((await bundle.text()).length).toBeGreaterThan(100_000);
    for (const path of ["/docs/package.json", "/docs/..%2Fpackage.json", "/docs/swagger-ui.js.map", "/docs/index.html"]) {
      const refused = await fetch(`${url}${path}`);
      expect(refused.status, path).toBe(404);
      expect(await refused.json()).toMatchObject({ error: { code: "not_found" } });
    }
  });
});
