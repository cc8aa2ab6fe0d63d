import { timingSafeEqual } from "node:crypto";
import type { MiddlewareHandler } from "hono";
import { AppError } from "../http/index.js";
import type { PublishEnv } from "./caller.js";
import type { ReplayStore } from "./replay-store.js";
import { computeSignature, SIGNATURE_HEADER, SIGNATURE_TIMESTAMP_HEADER, SIGNATURE_VERSION } from "./sign-request.js";

export const SIGNATURE_WINDOW_SECONDS = 300;

const TIMESTAMP = /^\d{1,12}$/;
const SIGNATURE = new RegExp(`^${SIGNATURE_VERSION}=([0-9a-fA-F]{64})$`);

export interface VerifySignatureDeps {
  replayStore: ReplayStore;
  now?: () => number;
  windowSeconds?: number;
}

/**
 * For keys configured with a signing secret: every POST must carry a valid signature of its
 * exact body, made within the window (either side, for clock skew), and not seen before.
 * Keys without a secret pass through untouched.
 */
export function verifySignature({ replayStore, now = Date.now, windowSeconds = SIGNATURE_WINDOW_SECONDS }: VerifySignatureDeps): MiddlewareHandler<PublishEnv> {
  return async (c, next) => {
    const { signingSecret, id: callerId } = c.get("caller");
    // GETs only read job states; they carry no body worth signing.
    if (signingSecret === undefined || c.req.method === "GET") return next();

    const timestamp = c.req.header(SIGNATURE_TIMESTAMP_HEADER) ?? "";
    const signature = SIGNATURE.exec(c.req.header(SIGNATURE_HEADER) ?? "")?.[1];
    if (!TIMESTAMP.test(timestamp) || signature === undefined) {
      throw new AppError("unauthorized", `this key must sign its requests: send ${SIGNATURE_TIMESTAMP_HEADER} (Unix seconds) and ${SIGNATURE_HEADER}: ${SIGNATURE_VERSION}=<hex HMAC-SHA256>`);
    }
    const ageSeconds = now() / 1000 - Number(timestamp);
    if (Math.abs(ageSeconds) > windowSeconds) {
      throw new AppError("unauthorized", `signature timestamp is more than ${windowSeconds} s from the server's clock`);
    }
    // The exact bytes received: decoding to text first would alter invalid UTF-8 and break the HMAC.
    const body = new Uint8Array(await c.req.arrayBuffer());
    const expected = computeSignature(signingSecret, timestamp, body);
    // The pattern above fixed the length at 32 bytes, so timingSafeEqual cannot throw.
    if (!timingSafeEqual(expected, Buffer.from(signature, "hex"))) {
      throw new AppError("unauthorized", "signature does not match the body");
    }

    const remainingMs = (Number(timestamp) + windowSeconds) * 1000 - now() + 1000;
    const first = await replayStore.claim(`${callerId}:${expected.toString("hex")}`, remainingMs).catch((cause: unknown) => {
      throw new AppError("unavailable", "cannot check the signature for replay now, retry later", { retryAfterSeconds: 1, cause });
    });
    if (!first) throw new AppError("unauthorized", "this signature was already used: sign every attempt with a fresh timestamp");
    await next();
  };
}
