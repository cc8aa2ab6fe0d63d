import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { decodeJwt, jwtVerify } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runScript } from "../support/fleet-process.js";
import { startService, type ServiceProcess } from "../support/service-process.js";
import { connectClient, connectRefused, type TestClient } from "../support/socket-client.js";

// `npm run token`: a client token for the configured JWT_SECRET, checked against the real gateway.

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const SECRET = "token-command-secret-of-at-least-32-characters";
const ISSUER = "https://auth.example";
const AUDIENCE = "socket-server";
const scratch = mkdtempSync(join(tmpdir(), "token-command-test-"));

/** No secret, issuer or audience of the runner's own, and a state dir with no fleet env in it. */
function tokenEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, FLEET_STATE_DIR: mkdtempSync(join(scratch, "state-")) };
  for (const name of ["JWT_SECRET", "JWT_ISSUER", "JWT_AUDIENCE"]) delete env[name];
  return { ...env, ...extra };
}

const token = (args: string[], extra: NodeJS.ProcessEnv = { JWT_SECRET: SECRET }) => runScript("token.mjs", args, tokenEnv(extra));
const verify = (jwt: string, options: { issuer?: string; audience?: string } = {}) =>
  jwtVerify(jwt, new TextEncoder().encode(SECRET), { algorithms: ["HS256"], ...options });

afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe("npm run token", () => {
  it("prints only the token on stdout, signed with JWT_SECRET, granting the rooms asked for, and says so on stderr", async () => {
    const run = await token(["--sub", "alice", "--rooms", "orders:*", "--rooms", "news:1,news:2", "--expires", "10m"]);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+\n$/);
    const { payload, protectedHeader } = await verify(run.stdout.trim());
    expect(protectedHeader.alg).toBe("HS256");
    expect(payload).toMatchObject({ sub: "alice", rooms: ["orders:*", "news:1", "news:2"] });
    expect(payload.exp! - Math.floor(Date.now() / 1000)).toBeGreaterThan(590);
    expect(payload.exp! - Math.floor(Date.now() / 1000)).toBeLessThanOrEqual(600);
    expect(payload).not.toHaveProperty("iss");
    expect(run.stderr).toMatch(/^token for sub alice: rooms orders:\*, news:1, news:2 \(and user:alice\); expires \S+ \(in 10m\); signed with JWT_SECRET from the environment\n$/);
  });

  it("expires in an hour by default and takes iss and aud from JWT_ISSUER and JWT_AUDIENCE", async () => {
    const run = await token(["--sub", "bob", "--rooms", "*"], { JWT_SECRET: SECRET, JWT_ISSUER: ISSUER, JWT_AUDIENCE: AUDIENCE });
    expect(run.code).toBe(0);
    const { payload } = await verify(run.stdout.trim(), { issuer: ISSUER, audience: AUDIENCE });
    expect(payload.exp! - payload.iat!).toBe(3600);
    expect(run.stderr).toContain(`issuer ${ISSUER}, audience ${AUDIENCE}`);
    const flags = await token(["--sub", "bob", "--issuer", "other", "--audience", "web"], { JWT_SECRET: SECRET, JWT_ISSUER: ISSUER });
    expect(decodeJwt(flags.stdout.trim())).toMatchObject({ iss: "other", aud: "web" });
  });

  it("signs with the secret `npm run fleet` wrote when JWT_SECRET is not set", async () => {
    const env = tokenEnv();
    writeFileSync(join(env.FLEET_STATE_DIR!, "env"), `# fleet\nJWT_SECRET=${SECRET}\nPUBLISH_API_KEYS=k\n`);
    const run = await runScript("token.mjs", ["--rooms", "demo"], env);
    expect(run.code).toBe(0);
    expect((await verify(run.stdout.trim())).payload).toMatchObject({ sub: "dev", rooms: ["demo"] });
    expect(run.stderr).toMatch(/signed with JWT_SECRET from .*\/env\n$/);
  });

  it("works through npm, so that TOKEN=$(npm run -s token -- ...) holds just the token", async () => {
    const { stdout } = await promisify(execFile)("npm", ["run", "-s", "token", "--", "--sub", "carol", "--rooms", "orders:*"], { cwd: ROOT, env: tokenEnv({ JWT_SECRET: SECRET }) });
    expect(stdout).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+\n$/);
    expect((await verify(stdout.trim())).payload).toMatchObject({ sub: "carol", rooms: ["orders:*"] });
  });

  it.concurrent.each([
    ["no secret at all", [], {}, /^token: no JWT_SECRET: set it .* start `npm run fleet`/],
    ["a secret under 32 characters", [], { JWT_SECRET: "x".repeat(31) }, /^token: JWT_SECRET is 31 characters; the gateway needs at least 32/],
    ["a room pattern with a space", ["--rooms", "orders:*,bad room"], { JWT_SECRET: SECRET }, /^token: invalid room pattern "bad room": a room name \(1 to 128 of A-Z a-z 0-9 _ - : \. @ =\) or a prefix ending in \*/],
    ["a star inside a pattern", ["--rooms", "or*ders"], { JWT_SECRET: SECRET }, /^token: invalid room pattern "or\*ders"/],
    ["a room name over 128 characters", ["--rooms", "r".repeat(129)], { JWT_SECRET: SECRET }, /^token: invalid room pattern/],
    ["a sub outside the room alphabet", ["--sub", "alice smith"], { JWT_SECRET: SECRET }, /^token: invalid sub "alice smith"/],
    ["an expiry it cannot read", ["--expires", "soon"], { JWT_SECRET: SECRET }, /^token: invalid --expires "soon"/],
    ["an unknown flag", ["--room", "x"], { JWT_SECRET: SECRET }, /^token: Unknown option '--room'/],
  ])("refuses %s with one line on stderr and exit 2", async (_what, args, env, message) => {
    const run = await token(args, env);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe("");
    expect(run.stderr).toMatch(message);
    expect(run.stderr.trimEnd().split("\n")).toHaveLength(1);
  });
});

describe("a token from npm run token at a real gateway with that JWT_SECRET", () => {
  let gateway: ServiceProcess;
  const clients: TestClient[] = [];

  beforeAll(async () => {
    gateway = await startService("socket-gateway", { JWT_SECRET: SECRET, JWT_ISSUER: ISSUER, JWT_AUDIENCE: AUDIENCE, REDIS_ENABLED: "false" });
  });

  afterAll(async () => {
    for (const client of clients) client.close();
    expect(await gateway?.stop()).toBe(0);
  });

  it("is admitted, may subscribe to the rooms granted and is refused any other", async () => {
    const run = await token(["--sub", "alice", "--rooms", "orders:*"], { JWT_SECRET: SECRET, JWT_ISSUER: ISSUER, JWT_AUDIENCE: AUDIENCE });
    expect(run.code, run.stderr).toBe(0);
    const client = await connectClient(gateway.url, { token: run.stdout.trim() });
    clients.push(client);
    expect(await client.subscribe("orders:42")).toMatchObject({ ok: true, rooms: ["orders:42"] });
    expect(await client.subscribe("invoices:42")).toMatchObject({ ok: false, error: { code: "forbidden" } });
  });

  it("is refused when signed with another secret", async () => {
    const run = await token(["--sub", "alice", "--rooms", "orders:*"], { JWT_SECRET: `${SECRET}-other`, JWT_ISSUER: ISSUER, JWT_AUDIENCE: AUDIENCE });
    const error = await connectRefused(gateway.url, { token: run.stdout.trim() });
    expect(error.data).toMatchObject({ code: "unauthorized" });
  });
});
