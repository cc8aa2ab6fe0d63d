import { gunzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { DOCS_PAGE_CSP } from "./create-publish-docs-app.js";
import { publishAppFixture } from "./publish-app.fixture.js";

describe("the docs page", () => {
  const { app } = publishAppFixture();

  it("is served without a key, under a policy that allows only this origin's scripts, styles and requests", async () => {
    const page = await app.request("/docs");
    expect(page.status).toBe(200);
    expect(page.headers.get("content-type")).toMatch(/^text\/html/);
    expect(page.headers.get("content-security-policy")).toBe(DOCS_PAGE_CSP);
    expect(DOCS_PAGE_CSP).not.toMatch(/unsafe|https?:|\*/);
  });

  it("loads only files the app serves itself, each with its type, compressed when the browser accepts it", async () => {
    const html = await (await app.request("/docs")).text();
    const references = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((match) => match[1]!);
    expect(references.length).toBeGreaterThanOrEqual(5);
    for (const reference of references) {
      // Relative, so the page works wherever the API is mounted.
      expect(reference, reference).toMatch(/^docs\//);
      const plain = await app.request(`/${reference}`);
      expect(plain.status, reference).toBe(200);
      expect(plain.headers.get("content-type"), reference).toMatch(/^(text\/(css|javascript)|image\/png)/);
      const gzipped = await app.request(`/${reference}`, { headers: { "accept-encoding": "gzip, deflate, br" } });
      expect(gzipped.headers.get("content-encoding"), reference).toBe("gzip");
      expect(gunzipSync(Buffer.from(await gzipped.arrayBuffer())).equals(Buffer.from(await plain.arrayBuffer())), reference).toBe(true);
    }
    const init = await (await app.request("/docs/init.js")).text();
    expect(init).toContain('"openapi.json"');
    expect(init).toContain("validatorUrl: null");
  });

  it("answers 404 in the API's error shape for any other file, swagger-ui-dist's own included", async () => {
    for (const path of ["/docs/index.html", "/docs/swagger-initializer.js", "/docs/package.json", "/docs/..%2Fpackage.json", "/docs/__proto__", "/docs/"]) {
      const response = await app.request(path);
      expect(response.status, path).toBe(404);
      expect(await response.json(), path).toMatchObject({ error: { code: "not_found" } });
    }
  });
});
