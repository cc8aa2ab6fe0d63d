import type { Context } from "hono";
import type { z } from "zod";
import { readJsonBody } from "./read-json-body.js";
import { validateBody } from "./validate-body.js";

/** Reads and validates a JSON body; every schema problem is listed in `issues`. */
export async function parseJsonBody<S extends z.ZodType>(c: Context, schema: S): Promise<z.infer<S>> {
  return validateBody(await readJsonBody(c), schema);
}
