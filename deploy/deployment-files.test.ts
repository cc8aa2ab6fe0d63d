import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import type { z } from "zod";
import { PublishApiConfigSchema } from "../services/publish-api/src/config.js";
import { GatewayConfigSchema } from "../services/socket-gateway/src/config.js";
import { WorkerConfigSchema } from "../services/worker/src/config.js";
import { serviceNodeFlags } from "../scripts/lib/service-node-flags.mjs";

// The deployment files are plain text that the compiler never sees; these checks keep them
// in step with the services' config schemas and with the Scaling guide's shape.

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const read = (path: string) => readFileSync(join(root, path), "utf8");

const schemas: Record<string, z.ZodObject> = {
  "socket-gateway": GatewayConfigSchema,
  "publish-api": PublishApiConfigSchema,
  worker: WorkerConfigSchema,
};
// The contract's ports, so a drifting schema default is caught too.
const contractPorts: Record<string, number> = { "socket-gateway": 4000, "publish-api": 3000, worker: 3001 };

interface ComposeService {
  image?: string;
  build?: { context?: string; args?: Record<string, string> };
  command?: string | string[];
  environment?: Record<string, string>;
  ports?: string[];
  expose?: string[];
  volumes?: string[];
  healthcheck?: { test?: string | string[] };
  depends_on?: Record<string, { condition?: string }>;
  ulimits?: { nofile?: number | { soft: number; hard: number } };
  stop_grace_period?: string;
}

// Compose merge keys (`<<: *anchor`) are YAML 1.1; the parser needs them switched on.
const compose = parse(read("docker-compose.yml"), { merge: true }) as { services: Record<string, ComposeService> };
// App services are the ones built from our Dockerfile; SERVICE says which one each runs.
const apps = Object.entries(compose.services)
  .filter(([, service]) => service.build?.args?.SERVICE !== undefined)
  .map(([name, service]) => ({ name, service, kind: service.build!.args!.SERVICE! }));
const gateways = apps.filter((app) => app.kind === "socket-gateway");

/** What the service would read: `${VAR:?...}` stands for a value the operator supplies. */
function environmentOf(service: ComposeService): Record<string, string> {
  return Object.fromEntries(
    Object.entries(service.environment ?? {}).map(([key, value]) => [
      key,
      String(value)
        .replace(/\$\{(\w+):\?[^}]*\}/g, "operator-supplied-value-long-enough-for-a-secret")
        .replace(/\$\{(\w+):-([^}]*)\}/g, "$2"),
    ]),
  );
}

/** The config the service would boot with: schema defaults fill what compose leaves out. */
function configOf(app: (typeof apps)[number]) {
  const result = schemas[app.kind]!.safeParse(environmentOf(app.service));
  if (!result.success) throw new Error(`${app.name}: ${result.error.message}`);
  return result.data as { PORT: number; REDIS_URL: string; REDIS_PREFIX: string; SHUTDOWN_TIMEOUT_MS: number };
}

// "3000:3000", "127.0.0.1:3000:3000/tcp" and "4000" all name container port last.
const containerPort = (mapping: string) => Number(mapping.split(":").at(-1)!.split("/")[0]);
const healthcheckText = (service: ComposeService) => [service.healthcheck?.test ?? []].flat().join(" ");

/** Compose durations such as "30s", "1m30s" or "500ms", in milliseconds. */
function durationMs(text: string): number {
  const units: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
  const parts = [...text.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h)/g)];
  if (parts.length === 0) throw new Error(`not a duration: ${text}`);
  return parts.reduce((total, [, amount, unit]) => total + Number(amount) * units[unit!]!, 0);
}

describe("docker-compose.yml", () => {
  it("builds every service from the root Dockerfile", () => {
    expect(new Set(apps.map((app) => app.kind))).toEqual(new Set(Object.keys(schemas)));
    for (const { service } of apps) expect(service.build?.context).toBe(".");
    // The guide's fleet: three gateways behind the balancer.
    expect(gateways.length).toBe(3);
  });

  it("sets only environment variables the service's config schema reads", () => {
    for (const app of apps) {
      const known = Object.keys(schemas[app.kind]!.shape);
      // A misspelt or stale variable is silently ignored at boot, so catch it here.
      const unknown = Object.keys(app.service.environment ?? {}).filter((key) => !known.includes(key));
      expect(unknown, app.name).toEqual([]);
    }
  });

  it("sets values every service's config schema accepts", () => {
    for (const app of apps) expect(() => configOf(app)).not.toThrow();
  });

  it("runs each service on the contract's port and publishes that container port", () => {
    for (const app of apps) {
      const port = configOf(app).PORT;
      expect(port, app.name).toBe(contractPorts[app.kind]);
      const declared = [...(app.service.ports ?? []), ...(app.service.expose ?? [])].map(containerPort);
      expect(declared, app.name).toEqual([port]);
    }
  });

  it("probes /health on each service's own port", () => {
    for (const app of apps) {
      expect(healthcheckText(app.service), app.name).toContain(`127.0.0.1:${configOf(app).PORT}/health`);
    }
  });

  it("gives every gateway REDIS_ENABLED=true", () => {
    for (const { name, service } of gateways) expect(service.environment?.REDIS_ENABLED, name).toBe("true");
  });

  it("points every service at the redis service under one shared REDIS_PREFIX", () => {
    const configs = apps.map(configOf);
    expect(new Set(configs.map((config) => config.REDIS_PREFIX)).size).toBe(1);
    expect(new Set(configs.map((config) => config.REDIS_URL)).size).toBe(1);
    // The URL's host must be a compose service running Redis, not a default like 127.0.0.1.
    const host = new URL(configs[0]!.REDIS_URL).hostname;
    expect(compose.services[host]?.image).toMatch(/^redis:/);
  });

  it("starts services only once redis reports healthy", () => {
    for (const { name, service } of apps) expect(service.depends_on?.redis?.condition, name).toBe("service_healthy");
    expect(healthcheckText(compose.services.redis!)).toContain("redis-cli ping");
  });

  it("runs redis with AOF persistence, no eviction and a data volume", () => {
    const redis = compose.services.redis!;
    const command = [redis.command ?? []].flat().join(" ").split(/\s+/).join(" ");
    expect(command).toContain("--appendonly yes");
    expect(command).toContain("--appendfsync always");
    expect(command).toContain("--maxmemory-policy noeviction");
    expect(redis.volumes?.some((volume) => volume.endsWith(":/data"))).toBe(true);
  });

  it("raises the open-file limit to 65535 for every service", () => {
    for (const { name, service } of apps) {
      const nofile = service.ulimits?.nofile;
      const limits = typeof nofile === "number" ? { soft: nofile, hard: nofile } : nofile;
      expect(limits, name).toEqual({ soft: 65535, hard: 65535 });
    }
  });

  it("lets each service finish its graceful shutdown before it is killed", () => {
    for (const app of apps) {
      // Compose's own default grace period is 10s.
      const grace = durationMs(app.service.stop_grace_period ?? "10s");
      expect(grace, app.name).toBeGreaterThan(configOf(app).SHUTDOWN_TIMEOUT_MS);
    }
  });

  it("refuses to start gateways without a JWT_SECRET for client tokens", () => {
    for (const { name, service } of gateways) expect(service.environment?.JWT_SECRET, name).toMatch(/^\$\{JWT_SECRET:\?.+\}$/);
  });

  it("gives gateways the client address nginx forwards, so per-address limits see clients, not nginx", () => {
    const header = /proxy_set_header\s+(\S+)\s+\$remote_addr;/i.exec(nginx)?.[1]?.toLowerCase();
    for (const { name, service } of gateways) expect(service.environment?.CLIENT_IP_HEADER, name).toBe(header);
  });

  it("refuses to start publish-api without PUBLISH_API_KEYS", () => {
    const publishApi = apps.find((app) => app.kind === "publish-api")!;
    expect(publishApi.service.environment?.PUBLISH_API_KEYS).toMatch(/^\$\{PUBLISH_API_KEYS:\?.+\}$/);
  });
});

/** Nginx config without comments, so commented-out directives do not count. */
const nginx = read("deploy/nginx/nginx.conf").replace(/#.*$/gm, "");

/** Body of the first `{ ... }` block whose header matches, braces balanced. */
function block(text: string, header: RegExp): string {
  const match = header.exec(text);
  if (!match) throw new Error(`no block matching ${header}`);
  let depth = 0;
  const start = match.index + match[0].length;
  for (let index = start; index < text.length; index++) {
    if (text[index] === "{") depth++;
    if (text[index] === "}" && depth-- === 0) return text.slice(start, index);
  }
  throw new Error(`unbalanced block ${header}`);
}

/** The location body nginx would pick for a path (exact, then regex, then prefix; simplified). */
function locationFor(server: string, path: string): string | undefined {
  const locations = [...server.matchAll(/location\s+(=|~\*?)?\s*(\S+)\s*\{/g)].map((match) => ({
    modifier: match[1],
    pattern: match[2]!,
    body: block(server.slice(match.index), /location[^{]*\{/),
  }));
  const exact = locations.find((l) => l.modifier === "=" && l.pattern === path);
  const regex = locations.find((l) => l.modifier?.startsWith("~") && new RegExp(l.pattern).test(path));
  const prefix = locations
    .filter((l) => l.modifier === undefined && path.startsWith(l.pattern))
    .sort((a, b) => b.pattern.length - a.pattern.length)[0];
  return (exact ?? regex ?? prefix)?.body;
}

describe("deploy/nginx/nginx.conf", () => {
  // Assumes one upstream and one server block, as the compose setup needs.
  const upstreamName = /upstream\s+(\S+)\s*\{/.exec(nginx)?.[1];
  const upstream = block(nginx, /upstream\s+\S+\s*\{/);
  const server = block(nginx, /server\s*\{/);

  it("balances with ip_hash across exactly the compose gateways on their port", () => {
    expect(upstream).toMatch(/^\s*ip_hash;/m);
    const servers = [...upstream.matchAll(/^\s*server\s+([^\s;]+)/gm)].map((match) => match[1]).sort();
    const port = configOf(gateways[0]!).PORT;
    expect(servers).toEqual(gateways.map((gateway) => `${gateway.name}:${port}`).sort());
  });

  it("forwards WebSocket upgrades on /socket.io/ with the client's address", () => {
    const location = locationFor(server, "/socket.io/")!;
    expect(location).toContain(`proxy_pass http://${upstreamName};`);
    expect(location).toMatch(/proxy_http_version\s+1\.1;/);
    expect(location).toMatch(/proxy_set_header\s+Upgrade\s+\$http_upgrade;/);
    expect(location).toMatch(/proxy_set_header\s+Connection\s+\$connection_upgrade;/);
    expect(location).toMatch(/proxy_set_header\s+Host\s+\$host;/);
    expect(location).toMatch(/proxy_set_header\s+X-Real-IP\s+\$remote_addr;/);
    expect(location).toMatch(/proxy_set_header\s+X-Forwarded-For\s+\$proxy_add_x_forwarded_for;/);
    expect(location).toMatch(/proxy_read_timeout\s+86400s;/);
    expect(location).toMatch(/proxy_send_timeout\s+86400s;/);
  });

  it("asks for an upgrade only when the client did, so long-polling stays plain HTTP", () => {
    const map = block(nginx, /map\s+\$http_upgrade\s+\$connection_upgrade\s*\{/);
    expect(map).toMatch(/^\s*default\s+upgrade;/m);
    // An empty Upgrade header must map to an empty (or close) Connection, never "upgrade".
    expect(map).toMatch(/^\s*''\s+(''|close);/m);
  });

  it("proxies /health and /ready to the gateways", () => {
    for (const path of ["/health", "/ready"]) {
      expect(locationFor(server, path), path).toContain(`proxy_pass http://${upstreamName};`);
    }
  });

  it("is published on the guide's host port 4000 with this file mounted", () => {
    // Host side is the guide's port; container side is whatever nginx listens on.
    const listen = Number(/^\s*listen\s+(\d+);/m.exec(server)?.[1]);
    const proxy = compose.services.nginx!;
    expect(proxy.ports).toContain(`4000:${listen}`);
    expect(proxy.volumes).toContainEqual(expect.stringMatching(/^\.\/deploy\/nginx\/nginx\.conf:\/etc\/nginx\/nginx\.conf/));
  });
});

/** Dockerfile instructions with continuation lines joined and comments dropped. */
const instructions = read("Dockerfile")
  .replace(/\\\r?\n/g, " ")
  .split(/\r?\n/)
  .map((line) => line.trim())
  .filter((line) => line.length > 0 && !line.startsWith("#"))
  .map((line) => ({ keyword: line.split(/\s/)[0]!.toUpperCase(), args: line.slice(line.indexOf(" ") + 1) }));
// One array of instructions per FROM; the last is the image that ships.
const stages = instructions.reduce<Array<typeof instructions>>((all, instruction) => {
  if (instruction.keyword === "FROM") all.push([]);
  all.at(-1)?.push(instruction);
  return all;
}, []);
const finalStage = stages.at(-1)!;
const argsOf = (stage: typeof instructions, keyword: string) =>
  stage.filter((instruction) => instruction.keyword === keyword).map((instruction) => instruction.args);

describe("Dockerfile", () => {
  // Read from disk, so a new service that the Dockerfile forgets fails the build check below.
  const workspaces = ["shared", ...readdirSync(join(root, "services")).map((name) => `services/${name}`)].filter((dir) =>
    existsSync(join(root, dir, "package.json")),
  );

  it("compiles in one stage and runs from another", () => {
    expect(stages.length).toBeGreaterThanOrEqual(2);
    // The shipped stage takes compiled output from an earlier one instead of compiling.
    expect(argsOf(finalStage, "RUN").join("\n")).not.toMatch(/npm run build/);
    expect(argsOf(finalStage, "COPY").some((args) => args.startsWith("--from="))).toBe(true);
  });

  it("copies every workspace's package.json before each npm ci", () => {
    // npm ci refuses a lockfile whose workspaces are missing, and only at image build time.
    for (const stage of stages.filter((s) => argsOf(s, "RUN").some((args) => args.includes("npm ci")))) {
      const ciAt = stage.findIndex((instruction) => instruction.keyword === "RUN" && instruction.args.includes("npm ci"));
      const copied = stage.slice(0, ciAt).filter((instruction) => instruction.keyword === "COPY").map((i) => i.args);
      for (const dir of workspaces) expect(copied.join(" "), dir).toContain(`${dir}/package.json`);
    }
  });

  it("installs only production dependencies in the runtime image", () => {
    expect(argsOf(finalStage, "RUN").join("\n")).toMatch(/npm ci --omit=dev/);
    expect(argsOf(finalStage, "ENV").join(" ")).toMatch(/NODE_ENV=production/);
  });

  it("runs as a non-root user", () => {
    const user = argsOf(finalStage, "USER").at(-1);
    expect(user).toBeDefined();
    expect(user).not.toMatch(/^(root|0)(:|$)/);
  });

  it("probes /health without tools the slim image lacks", () => {
    const healthcheck = argsOf(finalStage, "HEALTHCHECK").join(" ");
    expect(healthcheck).toContain("/health");
    expect(healthcheck).not.toMatch(/\b(curl|wget)\b/);
  });

  it("falls back to each service's default port when PORT is unset", () => {
    const healthcheck = argsOf(finalStage, "HEALTHCHECK").join(" ");
    for (const [kind, schema] of Object.entries(schemas)) {
      // The probe's port table must match what the schema would bind to.
      const port = (schema.shape.PORT as z.ZodType<number>).parse(undefined);
      expect(healthcheck, kind).toMatch(new RegExp(`'?${kind}'?:${port}\\b`));
    }
  });

  it("starts dist/main.js of the chosen service, as each package's npm start does", () => {
    expect(argsOf(finalStage, "ARG").some((args) => /^SERVICE\b/.test(args))).toBe(true);
    expect(argsOf(finalStage, "CMD").join(" ")).toContain("services/${SERVICE}/dist/main.js");
    for (const kind of Object.keys(schemas)) {
      const manifest = JSON.parse(read(`services/${kind}/package.json`)) as { scripts?: { start?: string } };
      expect(manifest.scripts?.start, kind).toBe("node dist/main.js");
    }
  });

  it("starts each service with its own node-options, flags node accepts", () => {
    const command = argsOf(finalStage, "CMD").join(" ");
    expect(command).toContain("services/${SERVICE}/node-options");
    expect(argsOf(finalStage, "COPY").join("\n")).toContain("services/${SERVICE}/node-options");
    for (const kind of Object.keys(schemas)) {
      const flags = serviceNodeFlags(kind);
      for (const flag of flags) expect(flag, kind).toMatch(/^--[a-z-]+(=\S+)?$/);
      // Node refuses an unknown V8 flag at start-up; `-e 0` starts and exits.
      const run = spawnSync(process.execPath, [...flags, "-e", "0"], { encoding: "utf8" });
      expect(run.stderr, kind).toBe("");
      expect(run.status, kind).toBe(0);
    }
    expect(serviceNodeFlags("publish-api")).toContain("--max-semi-space-size=32");
  });

  it("refers only to services that exist in the repository", () => {
    const text = instructions.map((instruction) => instruction.args).join("\n");
    // `services/${SERVICE}` is a variable, not a name, and the pattern skips it.
    const named = new Set([...text.matchAll(/services\/([a-z0-9-]+)/g)].map((match) => match[1]!));
    for (const app of apps) named.add(app.kind);
    expect(named.size).toBeGreaterThan(0);
    for (const name of named) expect(existsSync(join(root, "services", name, "package.json")), name).toBe(true);
  });
});
