import type { Context } from "hono";
import { AppError } from "./app-error.js";

/** The body as parsed JSON, not yet validated (`validateBody`), so a route may pick the schema by its shape. */
export async function readJsonBody(c: Context): Promise<unknown> {
  try {
    return JSON.parse(await c.req.text());
  } catch {
    throw new AppError("invalid_request", "body is not valid JSON");
  }
}
