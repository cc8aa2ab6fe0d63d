import { readFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { promisify } from "node:util";
import { gzip } from "node:zlib";
import { Hono, type Context } from "hono";
import { createPublishOpenApi, type PublishOpenApiOptions } from "./create-publish-openapi.js";

const SWAGGER_UI_DIR = dirname(createRequire(import.meta.url).resolve("swagger-ui-dist/package.json"));
const SWAGGER_UI_VERSION = (JSON.parse(readFileSync(join(SWAGGER_UI_DIR, "package.json"), "utf8")) as { version: string }).version;

/** The files of swagger-ui-dist the page loads, nothing else of the package. */
const SWAGGER_UI_FILES: Readonly<Record<string, string>> = {
  "swagger-ui.css": "text/css; charset=utf-8",
  "index.css": "text/css; charset=utf-8",
  "swagger-ui-bundle.js": "text/javascript; charset=utf-8",
  "favicon-32x32.png": "image/png",
  "favicon-16x16.png": "image/png",
};

// The API's own policy (SECURE_API_HEADERS) allows nothing at all; this page needs its own
// scripts, styles and the document from this origin, and Swagger UI's inline SVG images.
export const DOCS_PAGE_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'; " +
  "base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

// Relative URLs: the page keeps working behind a proxy that mounts the API under a path.
const asset = (name: string) => `docs/${name}?v=${SWAGGER_UI_VERSION}`;
const PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>socket-server publish API</title>
<link rel="stylesheet" href="${asset("swagger-ui.css")}">
<link rel="stylesheet" href="${asset("index.css")}">
<link rel="icon" type="image/png" href="${asset("favicon-32x32.png")}" sizes="32x32">
<link rel="icon" type="image/png" href="${asset("favicon-16x16.png")}" sizes="16x16">
</head>
<body>
<div id="swagger-ui"></div>
<script src="${asset("swagger-ui-bundle.js")}"></script>
<script src="docs/init.js"></script>
</body>
</html>
`;

// A file, not an inline script, so the page's policy needs no 'unsafe-inline'. No validator badge:
// Swagger UI would send the document to validator.swagger.io for it.
const INIT = `window.ui = SwaggerUIBundle({
  url: new URL("openapi.json", document.baseURI).href,
  dom_id: "#swagger-ui",
  deepLinking: true,
  validatorUrl: null,
  presets: [SwaggerUIBundle.presets.apis],
  layout: "BaseLayout",
});
`;

interface Asset {
  body: Uint8Array<ArrayBuffer>;
  gzipped: Uint8Array<ArrayBuffer>;
  contentType: string;
}

const gzipAsync = promisify(gzip);
// A copy on a buffer of its own, as a fetch Response body wants it.
const bytes = (buffer: Buffer) => new Uint8Array(buffer);

/**
 * `GET /openapi.json` (the publish API's document, built on first request) and `GET /docs`,
 * Swagger UI served from swagger-ui-dist's own files: no CDN, no key needed, neither under `/v1`.
 */
export function createPublishDocsApp(options: PublishOpenApiOptions): Hono {
  const app = new Hono();
  let documentJson: string | undefined;
  // Read and compressed once, on first request, off the event loop: the bundle is 1.7 MB and a
  // synchronous gzip of it would stall every publish in progress.
  const assets = new Map<string, Promise<Asset>>();
  const load = (name: string, contentType: string, read: () => Promise<Buffer>): Promise<Asset> => {
    let loaded = assets.get(name);
    if (!loaded) {
      loaded = read().then(async (body) => ({ body: bytes(body), gzipped: bytes(await gzipAsync(body)), contentType }));
      // A failed read is retried by the next request rather than remembered.
      loaded.catch(() => assets.delete(name));
      assets.set(name, loaded);
    }
    return loaded;
  };

  app.get("/openapi.json", (c) => {
    documentJson ??= JSON.stringify(createPublishOpenApi(options));
    return c.body(documentJson, 200, { "Content-Type": "application/json; charset=utf-8", "Cache-Control": "no-cache" });
  });
  app.get("/docs", (c) =>
    c.html(PAGE, 200, { "Content-Security-Policy": DOCS_PAGE_CSP, "Cache-Control": "no-cache" }),
  );
  app.get("/docs/init.js", async (c) => send(c, await load("init.js", "text/javascript; charset=utf-8", async () => Buffer.from(INIT)), "no-cache"));
  app.get("/docs/:file", async (c) => {
    const name = c.req.param("file");
    const contentType = Object.hasOwn(SWAGGER_UI_FILES, name) ? SWAGGER_UI_FILES[name] : undefined;
    // Unknown names fall through to the app's 404.
    if (!contentType) return c.notFound();
    return send(c, await load(name, contentType, () => readFile(join(SWAGGER_UI_DIR, name))), "public, max-age=86400");
  });
  return app;
}

function send(c: Context, asset: Asset, cacheControl: string): Response {
  const gzip = /\bgzip\b/.test(c.req.header("accept-encoding") ?? "");
  const headers: Record<string, string> = { "Content-Type": asset.contentType, "Cache-Control": cacheControl, Vary: "Accept-Encoding" };
  if (gzip) headers["Content-Encoding"] = "gzip";
  return c.body(gzip ? asset.gzipped : asset.body, 200, headers);
}
