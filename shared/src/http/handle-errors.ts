import type { Hono } from "hono";
import type { Logger } from "pino";
import { createTallyLog } from "../logging/create-tally-log.js";
import { AppError } from "./app-error.js";

/** An error as the contract renders it: status, body and headers. */
export interface ErrorAnswer {
  status: AppError["status"];
  body: { error: { code: string; message: string; issues?: AppError["issues"] } };
  headers: Record<string, string>;
}

/**
 * What turns a thrown error into an answer, for Hono's handler and for the publish fast lane
 * alike. Refused requests (every AppError: 4xx, and 503 when Redis did not take a publish) are
 * summed up in one `info` line per 10 s by status and code, so a client hammering with a bad key
 * is visible at the default level without one line per request; anything else is a bug, logged
 * and answered 500.
 */
export function createErrorAnswers(logger: Logger, onInternalError: () => void = () => {}) {
  const tallyRefusal = createTallyLog(logger, { field: "refused", describe: (total) => `refused ${total} request(s)` });
  return (error: unknown, where: { path: string; requestId: string | undefined }): ErrorAnswer => {
    if (error instanceof AppError) {
      tallyRefusal(`${error.status} ${error.code}`);
      return errorAnswer(error);
    }
    logger.error({ err: error, ...where }, "unhandled error in route");
    onInternalError();
    return errorAnswer(new AppError("internal", "internal error"));
  };
}

/** The single place errors become responses: the contract's body, never a stack trace. */
export function handleErrors(app: Hono<any>, logger: Logger, onInternalError: () => void = () => {}): void {
  const answer = createErrorAnswers(logger, onInternalError);
  const render = (c: { json: (body: unknown, status: number, headers?: Record<string, string>) => Response }, { status, body, headers }: ErrorAnswer) =>
    c.json(body, status, headers);
  app.notFound((c) => render(c, errorAnswer(new AppError("not_found", `no route for ${c.req.method} ${c.req.path}`))));
  app.onError((error, c) => render(c, answer(error, { path: c.req.path, requestId: c.get("requestId") })));
}

function errorAnswer(error: AppError): ErrorAnswer {
  const headers: Record<string, string> = {};
  if (error.retryAfterSeconds !== undefined) headers["Retry-After"] = String(error.retryAfterSeconds);
  const body = {
    error: {
      code: error.code,
      message: error.message,
      ...(error.issues ? { issues: error.issues } : {}),
    },
  };
  return { status: error.status, body, headers };
}
