import type { Hono } from "hono";
import type { Logger } from "pino";
import { createTallyLog } from "../logging/create-tally-log.js";
import { AppError } from "./app-error.js";

/**
 * The single place errors become responses: the contract's body, never a stack trace. Refused
 * requests (every AppError: 4xx, and 503 when Redis did not take a publish) are summed up in one
 * `info` line per 10 s by status and code, so a client hammering with a bad key is visible at the
 * default level without one line per request.
 */
export function handleErrors(app: Hono<any>, logger: Logger, onInternalError: () => void = () => {}): void {
  const tallyRefusal = createTallyLog(logger, { field: "refused", describe: (total) => `refused ${total} request(s)` });
  app.notFound((c) => renderError(c, new AppError("not_found", `no route for ${c.req.method} ${c.req.path}`)));
  app.onError((error, c) => {
    if (error instanceof AppError) {
      tallyRefusal(`${error.status} ${error.code}`);
      return renderError(c, error);
    }
    logger.error({ err: error, path: c.req.path, requestId: c.get("requestId") }, "unhandled error in route");
    onInternalError();
    return renderError(c, new AppError("internal", "internal error"));
  });
}

function renderError(c: { json: (body: unknown, status: number, headers?: Record<string, string>) => Response }, error: AppError) {
  const headers: Record<string, string> = {};
  if (error.retryAfterSeconds !== undefined) headers["Retry-After"] = String(error.retryAfterSeconds);
  const body = {
    error: {
      code: error.code,
      message: error.message,
      ...(error.issues ? { issues: error.issues } : {}),
    },
  };
  return c.json(body, error.status, headers);
}
