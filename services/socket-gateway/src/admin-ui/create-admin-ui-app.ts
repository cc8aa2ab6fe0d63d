import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { serveStatic } from "@hono/node-server/serve-static";
import { Hono } from "hono";
import { adminPagePolicy } from "@socket-server/shared/http";

export const ADMIN_UI_PATH = "/admin";

// The UI's build as @socket.io/admin-ui ships it (ui/dist, a Vue page with relative URLs).
const UI_DIR = join(dirname(createRequire(import.meta.url).resolve("@socket.io/admin-ui/package.json")), "ui/dist");

const PAGE_POLICY = adminPagePolicy({ baseUri: "'none'" });

/**
 * The Admin UI's page under `/admin/` (its Socket.IO connection goes to `/socket.io/` as any
 * client's). Its index.html loads Roboto and the Material Design icon font from public CDNs: an
 * admin page on an internal network should not reach out, so those two links are dropped and
 * the page falls back to the browser's sans-serif, icons showing as blanks.
 */
export function createAdminUiApp(): Hono {
  const page = readFileSync(join(UI_DIR, "index.html"), "utf8").replace(/<link rel="stylesheet" href="https:\/\/[^"]*">/g, "");
  const app = new Hono();
  app.use(`${ADMIN_UI_PATH}/*`, async (c, next) => {
    await next();
    c.res.headers.set("Content-Security-Policy", PAGE_POLICY);
  });
  // The page's URLs are relative: it must be read from `/admin/`, not `/admin`.
  app.get(ADMIN_UI_PATH, (c) => c.redirect(`${ADMIN_UI_PATH}/`, 301));
  app.get(`${ADMIN_UI_PATH}/`, (c) => c.html(page));
  app.get(`${ADMIN_UI_PATH}/index.html`, (c) => c.html(page));
  app.get(`${ADMIN_UI_PATH}/*`, serveStatic({ root: UI_DIR, rewriteRequestPath: (path) => path.slice(ADMIN_UI_PATH.length) }));
  return app;
}
