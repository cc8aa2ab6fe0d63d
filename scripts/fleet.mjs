#!/usr/bin/env node
// @ts-check
// `npm run fleet`: the multi-instance topology on one machine, without Docker (see FLEET_USAGE).
// Reads top to bottom: check what is needed, choose ports and secrets, start Redis, the
// services, then nginx, wait for each to be ready, print how to use it, stop on a signal.
import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CommandError, runCommand } from "./lib/command-error.mjs";
import { mintClientToken } from "./lib/client-token.mjs";
import { findBinary, searchDirs } from "./lib/find-binary.mjs";
import { fleetBanner } from "./lib/fleet-banner.mjs";
import { serviceNodeFlags } from "./lib/service-node-flags.mjs";
import { createSupervisor } from "./lib/create-supervisor.mjs";
import { FLEET_PREFIX, generateSecrets, serviceEnvironments, serviceShutdownMs } from "./lib/fleet-env.mjs";
import { FLEET_USAGE, parseFleetOptions } from "./lib/fleet-options.mjs";
import { displayPath, lockStateDir, ROOT, stateDir, writeFleetEnv } from "./lib/fleet-state.mjs";
import { nginxCommand } from "./lib/nginx-child.mjs";
import { pickPorts } from "./lib/pick-ports.mjs";
import { onStopRequest } from "./lib/on-stop-request.mjs";
import { answersPing, ChildExited, isReady, NotReady, waitFor } from "./lib/wait-ready.mjs";

/** @typedef {import("./lib/start-child.mjs").Child} Child */

const TOKEN_SECONDS = 24 * 3600;
const STARTUP_TIMEOUT_MS = 30_000;
const say = (/** @type {string} */ line) => process.stdout.write(`${line}\n`);
// A terminal that went away (a closed SSH session) must not end the fleet before it has
// stopped its children: writes to a broken pipe are dropped instead of thrown.
for (const stream of [process.stdout, process.stderr]) stream.on("error", () => {});

await runCommand("fleet", async () => {
  const options = parseFleetOptions(process.argv.slice(2), process.env);
  if (options.help) {
    process.stdout.write(FLEET_USAGE);
    return;
  }

  const missing = ["shared", "services/socket-gateway", "services/publish-api", "services/worker", "client"].filter(
    (dir) => !existsSync(join(ROOT, dir, "dist")),
  );
  if (missing.length > 0) throw new CommandError(`not built yet (${missing.join(", ")}): run \`npm run build\` (\`npm ci\` does it too)`, 1);
  const dirs = searchDirs(process.env);
  const where = `on PATH${dirs.length > 0 ? ` and in ${dirs.join(", ")}` : ""}`;
  const redisServer = findBinary("redis-server", { versionArgs: ["--version"], dirs });
  if (!redisServer) {
    throw new CommandError(
      `redis-server is not installed (looked ${where}): \`apt-get install redis-server\` (Debian/Ubuntu) or \`brew install redis\` (macOS), then run \`npm run fleet\` again`,
      1,
    );
  }
  const nginx = options.nginx ? findBinary("nginx", { versionArgs: ["-v"], dirs }) : undefined;
  if (options.nginx && !nginx) {
    say(`fleet: nginx is not installed (looked ${where}), so the gateways are reached on their own ports with no load balancer;`);
    say("fleet: `apt-get install nginx` or `brew install nginx` puts deploy/nginx/nginx.conf in front of them.");
  }
  const behindNginx = nginx !== undefined;

  const state = stateDir(process.env);
  const unlock = lockStateDir(state);
  const logDir = join(state, "logs");
  rmSync(logDir, { recursive: true, force: true });
  mkdirSync(logDir, { recursive: true });
  // nginx's workers run as an unprivileged user when it starts as root, and write temp files here.
  const runDir = mkdtempSync(join(tmpdir(), "socket-server-fleet-"));
  chmodSync(runDir, 0o755);

  const supervisor = createSupervisor({
    logDir,
    width: Math.max(12, `gateway-${options.gateways}`.length),
    stopTimeoutMs: serviceShutdownMs(process.env) + 2000,
    say,
  });
  const startup = new AbortController();
  /** @type {(value?: unknown) => void} */
  let requestStop = () => {};
  const stopRequested = new Promise((resolve) => (requestStop = resolve));
  onStopRequest({
    stop(why, hint) {
      say(`\nfleet: ${why}, stopping everything${hint}`);
      startup.abort(new Error(why));
      requestStop();
    },
    kill: () => supervisor.killAll(),
  });

  try {
    const ports = await pickPorts({ gateways: options.gateways, client: options.port, api: options.apiPort, behindNginx });
    const url = (/** @type {number} */ port) => `http://127.0.0.1:${port}`;
    const redisUrl = `redis://127.0.0.1:${ports.redis}`;
    const secrets = generateSecrets();
    const env = serviceEnvironments(process.env, { redisUrl, ...secrets, behindNginx });
    const entry = behindNginx ? `behind nginx on ${url(ports.client)}` : "on their own ports";
    const count = options.gateways === 1 ? "1 gateway" : `${options.gateways} gateways`;
    say(`fleet: starting redis-server, ${count} ${entry}, publish-api and worker; logs in ${displayPath(logDir)}/`);

    const wait = (/** @type {Child} */ child, /** @type {() => Promise<boolean>} */ check) =>
      waitFor(check, { child, what: child.name, timeoutMs: STARTUP_TIMEOUT_MS, signal: startup.signal });
    // --save "" --appendonly no: nothing outlives the fleet; noeviction is what BullMQ needs.
    const redisArgs = ["--port", String(ports.redis), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", runDir];
    const redis = supervisor.start("redis-server", { command: redisServer, args: [...redisArgs, "--maxmemory-policy", "noeviction", "--loglevel", "warning"] }, 0, true);
    await wait(redis, () => answersPing(ports.redis));

    const service = (/** @type {string} */ dir, /** @type {NodeJS.ProcessEnv} */ serviceEnv) => ({
      command: process.execPath,
      // As the image starts it: with the service's own V8 flags.
      args: [...serviceNodeFlags(dir), "dist/main.js"],
      cwd: join(ROOT, "services", dir),
      env: serviceEnv,
    });
    const gateways = ports.gateways.map((port, index) => supervisor.start(`gateway-${index + 1}`, service("socket-gateway", env.gateway(port)), 1));
    const api = supervisor.start("publish-api", service("publish-api", env.publishApi(ports.api)), 1);
    const worker = supervisor.start("worker", service("worker", env.worker(ports.worker)), 1);
    const servicePorts = new Map([...gateways.map((child, index) => /** @type {const} */ ([child, ports.gateways[index]])), [api, ports.api], [worker, ports.worker]]);
    await Promise.all([...servicePorts].map(([child, port]) => wait(child, () => isReady(url(/** @type {number} */ (port))))));

    if (nginx) {
      const proxy = supervisor.start("nginx", nginxCommand({ binary: nginx, runDir, logDir, listenPort: ports.client, gatewayPorts: ports.gateways }), 2);
      await wait(proxy, () => isReady(url(ports.client)));
    }
    supervisor.running();

    const clientUrl = url(behindNginx ? ports.client : /** @type {number} */ (ports.gateways[0]));
    const envFile = writeFleetEnv(state, {
      JWT_SECRET: secrets.jwtSecret,
      PUBLISH_API_KEYS: secrets.publishKey,
      REDIS_URL: redisUrl,
      REDIS_PREFIX: FLEET_PREFIX,
      FLEET_CLIENT_URL: clientUrl,
      FLEET_PUBLISH_URL: url(ports.api),
    });
    const token = await mintClientToken(secrets.jwtSecret, { sub: "dev", rooms: ["*"], expiresInSeconds: TOKEN_SECONDS });
    say(
      fleetBanner({
        clientUrl,
        behindNginx,
        gatewayUrls: ports.gateways.map(url),
        apiUrl: url(ports.api),
        workerUrl: url(ports.worker),
        redisUrl,
        prefix: FLEET_PREFIX,
        publishKey: secrets.publishKey,
        token,
        tokenGrant: "sub dev, every room, expires in 24h",
        envFile: displayPath(envFile),
        logDir: displayPath(logDir),
        processes: supervisor.processes(),
      }),
    );
    await stopRequested;
  } catch (error) {
    if (startup.signal.aborted) return; // stopped by the user while starting
    if (error instanceof NotReady) throw new CommandError(`${error.message}; everything is stopped`, 1);
    if (!(error instanceof ChildExited)) throw error;
    const { child } = error;
    await supervisor.reportExit(child, "exited while starting");
    throw new CommandError(`${child.name} did not start; everything is stopped`, 1);
  } finally {
    startup.abort();
    await supervisor.stopAll();
    rmSync(runDir, { recursive: true, force: true });
    unlock();
    if (supervisor.count() > 0) say(`fleet: stopped ${supervisor.count()} processes; their logs stay in ${displayPath(logDir)}/`);
  }
});
