import type { z } from "zod";
import { AppError } from "./app-error.js";

/** Validates a parsed body; every schema problem is listed in `issues`, the first in the message. */
export function validateBody<S extends z.ZodType>(body: unknown, schema: S): z.infer<S> {
  const result = schema.safeParse(body);
  if (result.success) return result.data;
  const issues = result.error.issues.map((issue) => ({
    path: issue.path.map(String).join(".") || "(body)",
    message: issue.message,
  }));
  const first = issues[0]!;
  throw new AppError("invalid_request", `${first.path}: ${first.message}`, { issues });
}
