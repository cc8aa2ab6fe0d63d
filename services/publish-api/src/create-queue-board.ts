import { createBullBoard } from "@bull-board/api";
import { BullMQAdapter } from "@bull-board/api/bullMQAdapter";
import { HonoAdapter } from "@bull-board/hono";
import { serveStatic } from "@hono/node-server/serve-static";
import type { Queue } from "bullmq";
import { Hono, type MiddlewareHandler } from "hono";
import { basicAuth } from "hono/basic-auth";
import { HTTPException } from "hono/http-exception";
import type { AdminCredentials } from "@socket-server/shared/config";
import { adminPagePolicy } from "@socket-server/shared/http";

export const QUEUE_BOARD_PATH = "/admin/queues";

const PAGE_POLICY = adminPagePolicy({ baseUri: "'self'" });

export interface QueueBoardDeps {
  queue: Queue;
  credentials: AdminCredentials;
}

/**
 * bull-board's read-only view of the notifications queue under `/admin/queues`, behind HTTP
 * basic auth. Read-only twice over: every queue in `readOnlyMode` (bull-board then answers 405
 * to each action route and hides the buttons), and nothing but GET and HEAD let through (403), so
 * that no later version's new action, nor a page of another site riding the browser's saved
 * credentials, can change a job.
 */
export function createQueueBoard({ queue, credentials }: QueueBoardDeps): Hono {
  const serverAdapter = new HonoAdapter(serveStatic).setBasePath(QUEUE_BOARD_PATH);
  createBullBoard({
    queues: [new BullMQAdapter(queue, { readOnlyMode: true, allowRetries: false })],
    serverAdapter,
    options: { uiConfig: { boardTitle: "socket-server" } },
  });

  const app = new Hono();
  // `/admin/queues/*` matches `/admin/queues` too.
  app.use(`${QUEUE_BOARD_PATH}/*`, requireCredentials(credentials));
  app.use(`${QUEUE_BOARD_PATH}/*`, async (c, next) => {
    if (c.req.method !== "GET" && c.req.method !== "HEAD") {
      return c.json({ error: { code: "forbidden", message: "the queue board is read-only" } }, 403);
    }
    await next();
    c.res.headers.set("Content-Security-Policy", PAGE_POLICY);
  });
  // The board's page sets `<base href="/admin/queues/">`, which its own routes do not answer.
  app.get(`${QUEUE_BOARD_PATH}/`, (c) => c.redirect(QUEUE_BOARD_PATH));
  app.route(QUEUE_BOARD_PATH, serverAdapter.registerPlugin());
  return app;
}

/**
 * Hono's basic auth (constant-time comparison), answering 401 in the contract's error shape
 * with the `WWW-Authenticate` challenge a browser needs to ask for credentials. Its refusal is
 * thrown as an HTTPException, which the service's one error handler would render as a 500.
 */
function requireCredentials({ username, password }: AdminCredentials): MiddlewareHandler {
  const check = basicAuth({
    username,
    password,
    realm: "socket-server admin",
    invalidUserMessage: { error: { code: "unauthorized", message: "the admin views need ADMIN_USERNAME and ADMIN_PASSWORD" } },
  });
  return async (c, next) => {
    try {
      return await check(c, next);
    } catch (error) {
      if (error instanceof HTTPException && error.status === 401) return error.getResponse();
      throw error;
    }
  };
}
