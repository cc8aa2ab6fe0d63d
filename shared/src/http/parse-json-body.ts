import type { Context } from "hono";
import type { z } from "zod";
import { AppError } from "./app-error.js";

/** Reads and validates a JSON body; every schema problem is listed in `issues`. */
export async function parseJsonBody<S extends z.ZodType>(c: Context, schema: S): Promise<z.infer<S>> {
  let body: unknown;
  try {
    body = JSON.parse(await c.req.text());
  } catch {
    throw new AppError("invalid_request", "body is not valid JSON");
  }
  const result = schema.safeParse(body);
  if (result.success) return result.data;
  const issues = result.error.issues.map((issue) => ({
    path: issue.path.map(String).join(".") || "(body)",
    message: issue.message,
  }));
  const first = issues[0]!;
  throw new AppError("invalid_request", `${first.path}: ${first.message}`, { issues });
}
