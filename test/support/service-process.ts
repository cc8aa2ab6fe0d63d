import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import { freePort } from "./free-port.js";
import { GiveUp, waitUntil } from "./wait-until.js";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));

export type ServiceName = "root" | "socket-gateway" | "publish-api" | "worker";

export interface ServiceProcess {
  name: ServiceName;
  port: number;
  url: string;
  child: ChildProcess;
  /** Everything the process wrote, for assertions and for failure messages. */
  output(): string;
  exited(): boolean;
  /** SIGTERM to the whole process group (npm and node), then waits for the exit code. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/**
 * Starts a service the way a user would: `npm start` in the repository root (single instance)
 * or in the service's package directory, with the given environment, on a free port. It listens
 * on 127.0.0.1 unless `env` names another HOST, or `HOST: undefined` to leave it unset (an
 * `undefined` removes any variable, the runner's own included).
 */
export async function startService(name: ServiceName, env: Record<string, string | undefined> = {}): Promise<ServiceProcess> {
  const port = await freePort();
  const cwd = name === "root" ? ROOT : `${ROOT}services/${name}`;
  const childEnv: NodeJS.ProcessEnv = { ...process.env, LOG_LEVEL: "warn", HOST: "127.0.0.1", ...env, PORT: String(port) };
  for (const [variable, value] of Object.entries(childEnv)) if (value === undefined) delete childEnv[variable];
  const child = spawn("npm", ["start", "--silent"], {
    cwd,
    env: childEnv,
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout!.on("data", (chunk) => (output += chunk));
  child.stderr!.on("data", (chunk) => (output += chunk));
  const exit = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  const url = `http://127.0.0.1:${port}`;

  const service: ServiceProcess = {
    name,
    port,
    url,
    child,
    output: () => output,
    exited: () => child.exitCode !== null || child.signalCode !== null,
    async stop(signal = "SIGTERM") {
      if (!service.exited()) signalService(child.pid!, signal);
      return exit;
    },
  };

  try {
    await waitUntil(async () => {
      // A service that died at boot will not become healthy: fail now, not at the deadline.
      if (service.exited()) throw new GiveUp(`exited with ${child.exitCode ?? child.signalCode}`);
      return (await fetch(`${url}/health`)).ok;
    }, { timeoutMs: 20_000, what: `${name} /health` });
  } catch (error) {
    await service.stop("SIGKILL");
    throw new Error(`${name} did not become healthy: ${(error as Error).message}\n${output}`);
  }
  return service;
}

/**
 * Signals the service's node process, not npm: npm then exits with the service's own code,
 * which is what a graceful-shutdown assertion needs. Falls back to the whole process group.
 */
function signalService(groupId: number, signal: NodeJS.Signals): void {
  let listing = "";
  try {
    listing = execFileSync("ps", ["-o", "pid=,args=", "-g", String(groupId)], { encoding: "utf8" });
  } catch {
    // the group is gone
  }
  const node = listing
    .split("\n")
    .map((line) => line.trim().split(/\s+/))
    .find((fields) => /(^|\/)node$/.test(fields[1] ?? "") && fields.some((arg) => arg.endsWith("dist/main.js")));
  try {
    if (node && signal !== "SIGKILL") process.kill(Number(node[0]), signal);
    else process.kill(-groupId, signal);
  } catch {
    // already gone
  }
}
