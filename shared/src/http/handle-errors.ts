import type { Hono } from "hono";
import type { Logger } from "pino";
import { AppError } from "./app-error.js";

/** The single place errors become responses: the contract's body, never a stack trace. */
export function handleErrors(app: Hono<any>, logger: Logger, onInternalError: () => void = () => {}): void {
  app.notFound((c) => renderError(c, new AppError("not_found", `no route for ${c.req.method} ${c.req.path}`)));
  app.onError((error, c) => {
    if (error instanceof AppError) return renderError(c, error);
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
