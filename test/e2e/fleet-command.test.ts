import { spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { jwtVerify } from "jose";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { freePort } from "../support/free-port.js";
import { exitWithin, groupAlive, processesWithEnv, runScript, startFleet, type FleetProcess } from "../support/fleet-process.js";
import { connectClient, type TestClient } from "../support/socket-client.js";
import { waitUntil } from "../support/wait-until.js";

// `npm run fleet` as a newcomer runs it: real redis-server, nginx, gateways, publish-api and
// worker, driven only through what the command prints.

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const scratch = mkdtempSync(join(tmpdir(), "fleet-command-test-"));
const REDIS_SERVER = ["/usr/bin/redis-server", "/usr/sbin/redis-server", "/usr/local/bin/redis-server"].find(existsSync);

/** A fresh state dir per fleet: the fleet's own children all inherit it, which finds them in /proc. */
function fleetEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const stateDir = mkdtempSync(join(scratch, "state-"));
  const env: NodeJS.ProcessEnv = { ...process.env, FLEET_STATE_DIR: stateDir, ...extra };
  for (const name of ["FLEET_PORT", "FLEET_API_PORT", "JWT_SECRET", "LOG_LEVEL"]) if (!(name in extra)) delete env[name];
  return env;
}

/** A directory holding only the named tools, for a PATH that lacks everything else. */
function pathWith(tools: Record<string, string>): string {
  const dir = mkdtempSync(join(scratch, "bin-"));
  for (const [name, target] of Object.entries(tools)) symlinkSync(target, join(dir, name));
  return dir;
}

function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer().once("error", () => resolve(false));
    server.listen(port, "127.0.0.1", () => server.close(() => resolve(true)));
  });
}

const portOf = (url: string) => Number(new URL(url).port);

describe("npm run fleet", () => {
  const clients: TestClient[] = [];
  let fleet: FleetProcess | undefined;

  afterEach(async () => {
    for (const client of clients.splice(0)) client.close();
    // A failed test must not leave a fleet behind.
    if (fleet && fleet.child.exitCode === null && fleet.child.signalCode === null) {
      process.kill(fleet.child.pid!, "SIGTERM");
      await fleet.exit;
    }
    fleet = undefined;
  });

  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  it("starts Redis, two gateways behind nginx, publish-api and worker; what it prints delivers a publish; SIGTERM leaves nothing behind", async () => {
    const env = fleetEnv();
    fleet = await startFleet([], env);
    const { banner } = fleet;
    expect(banner.processes.map((process) => process.name)).toEqual(["redis-server", "gateway-1", "gateway-2", "publish-api", "worker", "nginx"]);
    expect(banner.gatewayUrls).toHaveLength(2);
    expect(banner.gatewayUrls).not.toContain(banner.clientUrl);

    // The client URL is nginx in front of the gateways, and the token is for the printed secret.
    expect(await (await fetch(`${banner.clientUrl}/ready`)).json()).toMatchObject({ status: "ok", checks: { redis: "up" } });
    const written = readFileSync(join(env.FLEET_STATE_DIR!, "env"), "utf8");
    const secret = /^JWT_SECRET=(.+)$/m.exec(written)![1]!;
    expect(Buffer.byteLength(secret)).toBeGreaterThanOrEqual(32);
    const { payload } = await jwtVerify(banner.token, new TextEncoder().encode(secret), { algorithms: ["HS256"] });
    expect(payload).toMatchObject({ sub: "dev", rooms: ["*"] });

    const client = await connectClient(banner.clientUrl, { token: banner.token, transports: ["polling", "websocket"] });
    clients.push(client);
    const body = JSON.parse(banner.publish.body) as { room: string; event: string; data: unknown };
    expect(await client.subscribe(body.room)).toMatchObject({ ok: true, rooms: [body.room] });

    const publish = () => fetch(banner.publish.url, { method: "POST", headers: banner.publish.headers, body: banner.publish.body });
    const response = await publish();
    expect(response.status, await response.clone().text()).toBe(202);
    const { id } = (await response.json()) as { id: string };
    await waitUntil(() => client.received.find((copy) => copy.meta.id === id), { what: "the printed publish at the client" });
    expect(client.received).toEqual([{ event: body.event, data: body.data, meta: expect.objectContaining({ id, room: body.room }) }]);

    // The printed client snippet works as pasted: publish until it says it received one.
    const snippet = spawn(process.execPath, ["--input-type=module", "-e", banner.snippet], { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] });
    let snippetOutput = "";
    snippet.stdout.on("data", (chunk) => (snippetOutput += chunk));
    snippet.stderr.on("data", (chunk) => (snippetOutput += chunk));
    try {
      await waitUntil(async () => {
        await publish();
        return snippetOutput.includes(`received ${body.event}`);
      }, { intervalMs: 200, what: `the client snippet to print a delivery (it printed: ${snippetOutput})` });
    } finally {
      snippet.kill();
    }

    // nginx is run with `-p <the fleet's temp dir>` (its title keeps the arguments).
    const nginxPid = banner.processes.find((process) => process.name === "nginx")!.pid;
    const runDir = / -p (\S+)/.exec(readFileSync(`/proc/${nginxPid}/cmdline`, "utf8").replaceAll("\0", " "))![1]!;
    expect(runDir).toMatch(/socket-server-fleet-/);
    expect(processesWithEnv("FLEET_STATE_DIR", env.FLEET_STATE_DIR!).length).toBeGreaterThanOrEqual(5);

    // A gateway that dies is reported, and the rest run on (nginx sends /ready to the other).
    const gateway2 = banner.processes.find((process) => process.name === "gateway-2")!.pid;
    process.kill(gateway2, "SIGKILL");
    await waitUntil(() => fleet!.output().includes(`gateway-2 (pid ${gateway2}) exited unexpectedly (SIGKILL); the others keep running`), {
      what: "the fleet to report gateway-2's death",
    });
    expect((await fetch(`${banner.clientUrl}/ready`)).status).toBe(200);

    process.kill(fleet.child.pid!, "SIGTERM");
    expect(await exitWithin(fleet.exit, 15_000)).toBe(0);
    expect(fleet.output()).toMatch(/stopped 6 processes/);
    for (const { name, pid } of banner.processes) expect(groupAlive(pid), `${name} (process group ${pid})`).toBe(false);
    expect(processesWithEnv("FLEET_STATE_DIR", env.FLEET_STATE_DIR!)).toEqual([]);
    const ports = [banner.clientUrl, ...banner.gatewayUrls, banner.apiUrl, banner.workerUrl, banner.redisUrl].map(portOf);
    for (const port of ports) expect(await portIsFree(port), `port ${port}`).toBe(true);
    expect(existsSync(runDir), runDir).toBe(false);
    expect(existsSync(join(env.FLEET_STATE_DIR!, "fleet.pid"))).toBe(false);
    expect(existsSync(join(env.FLEET_STATE_DIR!, "logs", "gateway-1.log"))).toBe(true);
  });

  it("serves clients straight from the gateways when nginx is not installed, and says so", async () => {
    const port = await freePort();
    const env = fleetEnv({ PATH: pathWith({ "redis-server": REDIS_SERVER! }), FLEET_SEARCH_DIRS: "", FLEET_PORT: String(port) });
    fleet = await startFleet(["--gateways", "1"], env);
    const { banner } = fleet;
    expect(fleet.output()).toMatch(/nginx is not installed .*apt-get install nginx/s);
    expect(banner.processes.map((process) => process.name)).toEqual(["redis-server", "gateway-1", "publish-api", "worker"]);
    expect(banner.clientUrl).toBe(`http://127.0.0.1:${port}`);
    expect(banner.gatewayUrls).toEqual([banner.clientUrl]);

    const client = await connectClient(banner.clientUrl, { token: banner.token });
    clients.push(client);
    expect(await client.subscribe("orders:42")).toMatchObject({ ok: true });

    process.kill(-fleet.child.pid!, "SIGINT");
    expect(await exitWithin(fleet.exit, 15_000)).toBe(0);
    expect(processesWithEnv("FLEET_STATE_DIR", env.FLEET_STATE_DIR!)).toEqual([]);
  });

  it("says how to install redis-server when there is none, exit 1, starting nothing", async () => {
    const env = fleetEnv({ PATH: pathWith({}), FLEET_SEARCH_DIRS: "" });
    const run = await runScript("fleet.mjs", [], env);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^fleet: redis-server is not installed \(looked on PATH\): `apt-get install redis-server` .* `brew install redis` .*\n$/);
    expect(existsSync(join(env.FLEET_STATE_DIR!, "logs"))).toBe(false);
  });

  it("stops everything when a service fails at boot, showing why, exit 1", async () => {
    // An environment the gateways refuse: the developer's variables reach every service.
    const env = fleetEnv({ MAX_CONNECTIONS: "0" });
    const run = await runScript("fleet.mjs", ["--no-nginx"], env);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/gateway-\d +\| +- MAX_CONNECTIONS: /);
    expect(run.stdout).toMatch(/gateway-\d \(pid \d+\) exited while starting/);
    expect(run.stderr).toMatch(/^fleet: gateway-\d did not start; everything is stopped\n$/);
    expect(processesWithEnv("FLEET_STATE_DIR", env.FLEET_STATE_DIR!)).toEqual([]);
  });

  it("refuses a second fleet on the same state directory while the first runs", async () => {
    const env = fleetEnv();
    mkdirSync(env.FLEET_STATE_DIR!, { recursive: true });
    // A live process holds the lock: this test's own.
    writeFileSync(join(env.FLEET_STATE_DIR!, "fleet.pid"), `${process.pid}\n`);
    const run = await runScript("fleet.mjs", [], env);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(new RegExp(`^fleet: another fleet is running \\(pid ${process.pid}, .*FLEET_STATE_DIR`));
  });
});
