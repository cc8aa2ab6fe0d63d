import { spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { ensureTool } from "./ensure-tool.js";

const SCRIPT = fileURLToPath(new URL("./python-socketio-client.py", import.meta.url));

/** What python-socketio-client.py reports, one JSON line each. */
export type PythonOutcome =
  | { type: "handshake"; origin: string[] }
  | { type: "connect_error"; data: unknown }
  | { type: "connect_failed"; message: string }
  | { type: "connected"; sid: string; transport: string }
  | { type: "ack"; event: string; data: unknown }
  | { type: "subscribed" }
  | { type: "event"; event: string; args: unknown[] }
  | { type: "disconnected" }
  | { type: "exit"; reason: string };

export interface PythonClientOptions {
  url: string;
  transport: "websocket" | "polling";
  token?: string;
  /** Sent instead of the client's own (python-socketio's WebSocket always sends one). */
  origin?: string;
  subscribe?: string[];
  /** Once connected, how many events to wait for before leaving. */
  events?: number;
  timeoutSeconds?: number;
}

export interface PythonRun {
  code: number | null;
  outcomes: PythonOutcome[];
  stderr: string;
}

export interface PythonClient {
  outcomes: PythonOutcome[];
  /** The first outcome of that type; rejects if the process ends without one. */
  next<T extends PythonOutcome["type"]>(type: T): Promise<Extract<PythonOutcome, { type: T }>>;
  exited: Promise<PythonRun>;
  /** SIGKILL to this one process, if it still runs. */
  kill(): void;
}

/** Debian's interpreter, with python3-socketio and both its transports' libraries importable. */
export function debianPython(): string {
  return ensureTool({
    candidates: ["/usr/bin/python3"],
    versionArgs: ["-c", "import socketio, websocket, requests"],
    debianPackage: "python3-socketio python3-websocket python3-requests",
  });
}

/**
 * Runs python-socketio-client.py. It ends by itself within its timeout plus a second, counted
 * once its imports are done (seconds on a loaded machine); ten seconds past the timeout this
 * process is killed, so that a stuck interpreter cannot outlive its test.
 */
export function startPythonClient(python: string, options: PythonClientOptions): PythonClient {
  const timeoutSeconds = options.timeoutSeconds ?? 5;
  const argv = [SCRIPT, "--url", options.url, "--transport", options.transport, "--timeout", String(timeoutSeconds)];
  if (options.token !== undefined) argv.push("--token", options.token);
  if (options.origin !== undefined) argv.push("--origin", options.origin);
  for (const room of options.subscribe ?? []) argv.push("--subscribe", room);
  if (options.events) argv.push("--events", String(options.events));

  const child = spawn(python, argv, { stdio: ["ignore", "pipe", "pipe"] });
  const kill = () => {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  };
  const deadline = setTimeout(kill, (timeoutSeconds + 10) * 1000);
  const outcomes: PythonOutcome[] = [];
  const waiting: Array<() => void> = [];
  let stderr = "";
  child.stderr.on("data", (chunk) => (stderr += chunk));
  const lines = createInterface({ input: child.stdout });
  lines.on("line", (line) => {
    try {
      outcomes.push(JSON.parse(line) as PythonOutcome);
    } catch {
      stderr += `stdout, not JSON: ${line}\n`;
      return;
    }
    for (const wake of waiting.splice(0)) wake();
  });
  // "close" comes once stdout has ended, so after its last line.
  let ended = false;
  const exited = new Promise<PythonRun>((resolve) =>
    child.once("close", (code) => {
      ended = true;
      clearTimeout(deadline);
      for (const wake of waiting.splice(0)) wake();
      resolve({ code, outcomes, stderr });
    }),
  );

  function next<T extends PythonOutcome["type"]>(type: T): Promise<Extract<PythonOutcome, { type: T }>> {
    return new Promise((resolve, reject) => {
      const look = () => {
        const found = outcomes.find((outcome) => outcome.type === type);
        if (found) return resolve(found as Extract<PythonOutcome, { type: T }>);
        if (ended) {
          return reject(new Error(`python-socketio client ended without "${type}": ${JSON.stringify(outcomes)}\n${stderr}`));
        }
        waiting.push(look);
      };
      look();
    });
  }

  return { outcomes, next, exited, kill };
}
