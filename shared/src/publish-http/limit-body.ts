import type { MiddlewareHandler } from "hono";
import { bodyLimit } from "hono/body-limit";
import { AppError } from "../http/index.js";

/**
 * Refuses bodies over `maxBytes` before they are parsed. A declared Content-Length is checked
 * as it is: Node's HTTP parser never delivers more bytes than it declares, and reading it costs
 * nothing, whereas Hono's bodyLimit rebuilds the request around a counting stream (a large share
 * of a publish's CPU in the benchmark's profile). A chunked body, whose size is unknown up
 * front, is counted by bodyLimit as it streams.
 */
export function limitBody(maxBytes: number): MiddlewareHandler {
  const counting = bodyLimit({
    maxSize: maxBytes,
    onError: () => {
      throw tooLarge(maxBytes);
    },
  });
  return async (c, next) => {
    const declared = c.req.header("content-length");
    if (declared === undefined || c.req.header("transfer-encoding") !== undefined) return counting(c, next);
    checkDeclaredLength(declared, maxBytes);
    await next();
  };
}

/** A declared Content-Length as a number of bytes within `maxBytes`, or the 400 or 413 it earns. */
export function checkDeclaredLength(declared: string, maxBytes: number): number {
  const length = Number(declared);
  if (!Number.isSafeInteger(length) || length < 0) throw new AppError("invalid_request", "invalid Content-Length");
  if (length > maxBytes) throw tooLarge(maxBytes);
  return length;
}

const tooLarge = (maxBytes: number) => new AppError("payload_too_large", `body is larger than ${maxBytes} bytes`);
