import fc from "fast-check";
import { connect } from "node:net";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { ERROR_STATUS } from "@socket-server/shared/http";
import { rawBody } from "../support/publish-request-arbitraries.js";
import { startService, type ServiceProcess } from "../support/service-process.js";
import { deleteKeys, testPrefix } from "../support/test-prefix.js";
import { ANONYMOUS_GATEWAY_ENV } from "../support/tokens.js";
import { waitUntil } from "../support/wait-until.js";

const KEY = "fuzz-process-key-0123456789";
const SCOPED = "fuzz-process-scoped-0123456789";
const SIGNER = "fuzz-process-signer-0123456789";
const SECRET = "fuzz-process-signing-secret";

/** Sends raw bytes and resolves with whatever the server answered before closing or going quiet. */
function rawExchange(port: number, bytes: Buffer): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect(port, "127.0.0.1", () => socket.end(bytes));
    let answer = "";
    socket.on("data", (chunk) => (answer += chunk.toString("latin1")));
    socket.on("error", () => {});
    socket.on("close", () => resolve(answer));
    socket.setTimeout(3000, () => socket.destroy());
  });
}

describe("fuzzing a real publish-api process", () => {
  const redisUrl = inject("redisUrl");
  const prefix = testPrefix("fuzz");
  let api: ServiceProcess;
  let gateway: ServiceProcess;

  beforeAll(async () => {
    const env = {
      REDIS_URL: redisUrl,
      REDIS_PREFIX: prefix,
      PUBLISH_API_KEYS: `${KEY}, ${SCOPED} rooms=orders:*, ${SIGNER} signing-secret=${SECRET}`,
      PUBLISH_RATE_LIMIT_PER_SECOND: "0",
      MAX_PAYLOAD_BYTES: "1000",
    };
    [api, gateway] = await Promise.all([startService("publish-api", env), startService("socket-gateway", { ...ANONYMOUS_GATEWAY_ENV, ...env, REDIS_ENABLED: "true" })]);
    await waitUntil(async () => (await fetch(`${gateway.url}/ready`)).ok, { what: "gateway ready" });
  });

  afterAll(async () => {
    await Promise.all([api?.stop(), gateway?.stop()]);
    await deleteKeys(redisUrl, prefix);
  });

  it("answers 300 generated requests with 202 or a contract error, and still answers /health", async () => {
    const authorization = fc.constantFrom(`Bearer ${KEY}`, `Bearer ${SCOPED}`, `Bearer ${SIGNER}`, "Bearer wrong", "", `Basic ${KEY}`);
    const signature = fc.oneof(fc.constant(""), fc.string({ unit: fc.constantFrom(..."0123456789abcdef"), maxLength: 70 }).map((hex) => `v1=${hex}`), fc.string({ maxLength: 20 }));
    const cases = fc.sample(fc.tuple(rawBody, authorization, signature, fc.constantFrom("/v1/publish", "/v1/notifications")), { numRuns: 300, seed: 42 });
    const seen = new Map<number, number>();
    for (const [body, auth, sig, path] of cases) {
      const headers: Record<string, string> = { "x-signature-timestamp": String(Math.floor(Date.now() / 1000)) };
      if (auth) headers.authorization = auth;
      if (/^[\x20-\x7e]*$/.test(sig)) headers["x-signature"] = sig;
      const response = await fetch(`${api.url}${path}`, { method: "POST", headers, body });
      seen.set(response.status, (seen.get(response.status) ?? 0) + 1);
      const payload = (await response.json()) as { error?: { code: keyof typeof ERROR_STATUS; message: string } };
      if (response.status === 202) continue;
      expect([400, 401, 403, 413]).toContain(response.status);
      expect(ERROR_STATUS[payload.error!.code]).toBe(response.status);
      expect(typeof payload.error!.message).toBe("string");
    }
    expect(seen.get(202)).toBeGreaterThan(0);
    expect((await fetch(`${api.url}/health`)).status).toBe(200);
    expect((await fetch(`${api.url}/ready`)).status).toBe(200);
    console.info(`publish-api process fuzz: ${JSON.stringify(Object.fromEntries([...seen].sort()))}`);
  });

  it("survives 100 malformed HTTP requests and refuses a chunked body over the limit with 413", async () => {
    const garbage = fc.sample(fc.uint8Array({ minLength: 1, maxLength: 300 }), { numRuns: 90, seed: 7 }).map((bytes) => Buffer.from(bytes));
    const halfValid = fc
      .sample(fc.string({ maxLength: 40 }), { numRuns: 10, seed: 8 })
      .map((text) => Buffer.from(`POST /v1/publish HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${KEY}\r\nContent-Length: ${text}\r\n\r\n{}`));
    for (const bytes of [...garbage, ...halfValid]) await rawExchange(api.port, bytes);

    const chunk = `${"x".repeat(64 * 1024)}`;
    // POST /v1/publish reads up to 1 MiB (batches), the other routes MAX_PAYLOAD_BYTES + 128 KiB.
    const chunked = (path: string, chunks: number) =>
      Buffer.from(
        `POST ${path} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${KEY}\r\nTransfer-Encoding: chunked\r\n\r\n` +
          Array.from({ length: chunks }, () => `${chunk.length.toString(16)}\r\n${chunk}\r\n`).join("") +
          "0\r\n\r\n",
      );
    expect(await rawExchange(api.port, chunked("/v1/publish", 17))).toMatch(/^HTTP\/1\.1 413 [\s\S]*"payload_too_large"/);
    expect(await rawExchange(api.port, chunked("/v1/notifications", 4))).toMatch(/^HTTP\/1\.1 413 [\s\S]*"payload_too_large"/);

    expect((await fetch(`${api.url}/health`)).status).toBe(200);
    expect(api.exited()).toBe(false);
  });

  it("writes no key or signing secret to its logs", () => {
    for (const secret of [KEY, SCOPED, SIGNER, SECRET]) expect(api.output() + gateway.output()).not.toContain(secret);
  });
});
