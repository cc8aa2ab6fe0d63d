import { spawn, type ChildProcess } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { GiveUp, waitUntil } from "./wait-until.js";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));

/** What `npm run fleet` prints once it is ready, read back the way a newcomer reads it. */
export interface FleetBanner {
  clientUrl: string;
  gatewayUrls: string[];
  apiUrl: string;
  workerUrl: string;
  redisUrl: string;
  /** The printed curl command, taken apart: where it posts, its headers and body. */
  publish: { url: string; headers: Record<string, string>; body: string };
  token: string;
  /** The `node --input-type=module -e '...'` snippet's code. */
  snippet: string;
  processes: Array<{ name: string; pid: number }>;
}

export interface FleetProcess {
  child: ChildProcess;
  output(): string;
  /** Resolves with the exit code (or the signal's name). */
  exit: Promise<number | string>;
  banner: FleetBanner;
}

export interface ScriptRun {
  code: number | string;
  stdout: string;
  stderr: string;
}

/**
 * Runs `node scripts/<script>` from the repository root in its own process group, the way
 * `npm run` would (without npm, so the test signals the script itself).
 */
export function spawnScript(script: string, args: string[], env: NodeJS.ProcessEnv): { child: ChildProcess; stdout: () => string; stderr: () => string; exit: Promise<number | string> } {
  const child = spawn(process.execPath, [`scripts/${script}`, ...args], { cwd: ROOT, env, detached: true, stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout!.on("data", (chunk) => (stdout += chunk));
  child.stderr!.on("data", (chunk) => (stderr += chunk));
  const exit = new Promise<number | string>((resolve) => child.once("close", (code, signal) => resolve(code ?? signal ?? "unknown")));
  return { child, stdout: () => stdout, stderr: () => stderr, exit };
}

/** Runs a script to its end; one still running after `timeoutMs` is stopped (SIGTERM) and reported so. */
export async function runScript(script: string, args: string[], env: NodeJS.ProcessEnv, timeoutMs = 20_000): Promise<ScriptRun> {
  const run = spawnScript(script, args, env);
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    process.kill(-run.child.pid!, "SIGTERM");
  }, timeoutMs);
  const code = await run.exit;
  clearTimeout(timer);
  return { code: timedOut ? `still running after ${timeoutMs} ms` : code, stdout: run.stdout(), stderr: run.stderr() };
}

/** Starts `scripts/fleet.mjs` and waits for its banner (or fails with everything it printed). */
export async function startFleet(args: string[], env: NodeJS.ProcessEnv, timeoutMs = 30_000): Promise<FleetProcess> {
  const run = spawnScript("fleet.mjs", args, env);
  let exited = false;
  void run.exit.then(() => (exited = true));
  const output = () => run.stdout() + run.stderr();
  try {
    await waitUntil(() => {
      if (exited) throw new GiveUp("the fleet exited");
      return run.stdout().includes("Press Ctrl-C to stop everything.");
    }, { timeoutMs, intervalMs: 100, what: "the fleet's banner" });
    return { child: run.child, output, exit: run.exit, banner: parseBanner(run.stdout()) };
  } catch (error) {
    // Whatever went wrong, no fleet outlives the test that started it.
    if (!exited) process.kill(-run.child.pid!, "SIGTERM");
    await run.exit;
    throw new Error(`${(error as Error).message}:\n${output()}`);
  }
}

function parseBanner(text: string): FleetBanner {
  const field = (label: string) => match(text, new RegExp(`^  ${label.replace(/[()]/g, "\\$&")}\\s+(\\S+)`, "m"), label);
  const curl = match(text, /^  (curl (?:[^\n]*\\\n)*[^\n]*)/m, "curl command");
  const headers: Record<string, string> = {};
  for (const [, name, value] of curl.matchAll(/-H '([^:]+): ([^']*)'/g)) headers[name!] = value!;
  const gateways = match(text, /^  Gateways\s+(.+)$/m, "Gateways");
  const processes = match(text, /^Processes:\s+(.+)$/m, "Processes");
  return {
    clientUrl: field("Clients (Socket.IO)"),
    gatewayUrls: gateways.trim().split(/\s+/),
    apiUrl: field("Publish API"),
    workerUrl: field("Worker"),
    redisUrl: field("Redis"),
    publish: { url: match(curl, /-X POST (\S+)/, "curl URL"), headers, body: match(curl, /-d '([^']*)'/, "curl body") },
    token: match(text, /^Client token[^\n]*\n  (\S+)$/m, "client token"),
    snippet: match(text, /^  node --input-type=module -e '(.*)'$/m, "client snippet"),
    processes: [...processes.matchAll(/([\w-]+) (\d+)/g)].map(([, name, pid]) => ({ name: name!, pid: Number(pid) })),
  };
}

function match(text: string, pattern: RegExp, what: string): string {
  const found = pattern.exec(text)?.[1];
  if (found === undefined) throw new Error(`the fleet's banner has no ${what}:\n${text}`);
  return found;
}

/** The exit code, or a message saying it was still running after `timeoutMs`. */
export function exitWithin(exit: Promise<number | string>, timeoutMs: number): Promise<number | string> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<string>((resolve) => (timer = setTimeout(() => resolve(`still running after ${timeoutMs} ms`), timeoutMs)));
  return Promise.race([exit, late]).finally(() => clearTimeout(timer));
}

/** Whether any process is left in the process group `pgid` (each of the fleet's children leads its own). */
export function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * PIDs of the processes whose environment has `name=value` (Linux /proc): every process a fleet
 * started inherits its FLEET_STATE_DIR, so a unique one finds them all, listed or not.
 */
export function processesWithEnv(name: string, value: string): number[] {
  const wanted = `${name}=${value}`;
  const pids: number[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      if (readFileSync(`/proc/${entry}/environ`, "latin1").split("\0").includes(wanted)) pids.push(Number(entry));
    } catch {
      // gone, or not ours to read
    }
  }
  return pids;
}
