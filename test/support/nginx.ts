import { spawn } from "node:child_process";
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { localNginxConfig } from "../../scripts/lib/nginx-config.mjs";
import { ensureTool } from "./ensure-tool.js";
import { freePort } from "./free-port.js";
import { waitUntil } from "./wait-until.js";

// deploy/nginx/nginx.conf run by the real nginx in front of real gateways. Only addresses,
// file paths and an access log are changed (scripts/lib/nginx-config.mjs, shared with
// `npm run fleet`): the routing under test is the file compose mounts. The access log records
// which gateway served each engine.io session id.

const CONFIG = fileURLToPath(new URL("../../deploy/nginx/nginx.conf", import.meta.url));

/** nginx from PATH, or where Debian puts it (sbin is often missing from a non-root PATH). */
function findNginx(): string {
  return ensureTool({ candidates: ["nginx", "/usr/sbin/nginx", "/usr/local/sbin/nginx"], versionArgs: ["-v"], debianPackage: "nginx" });
}

export interface LogEntry {
  sid: string;
  upstream: string;
  status: number;
  method: string;
  transport: string;
}

export interface NginxProcess {
  url: string;
  /** One entry per proxied request: engine.io session id, upstream, status, method, transport. */
  readLog(): LogEntry[];
  stop(): Promise<void>;
}

/** Starts an unprivileged nginx with the project's config in front of the given gateway ports. */
export async function startNginx(gatewayPorts: number[]): Promise<NginxProcess> {
  const binary = findNginx();
  const dir = mkdtempSync(join(tmpdir(), "socket-server-nginx-"));
  // Run as root, nginx's workers drop to an unprivileged user that must reach the temp dirs.
  chmodSync(dir, 0o755);
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const configPath = join(dir, "nginx.conf");
  writeFileSync(configPath, localNginxConfig(readFileSync(CONFIG, "utf8"), { dir, listenPort: port, gatewayPorts }));
  // -e: the compiled-in error log path is not writable for every user, even before the config is read.
  const child = spawn(binary, ["-p", dir, "-e", join(dir, "error.log"), "-c", configPath, "-g", "daemon off;"], {
    stdio: ["ignore", "ignore", "pipe"],
  });
  let stderr = "";
  child.stderr!.on("data", (chunk) => (stderr += chunk));

  async function stop() {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.kill("SIGTERM");
      await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 5000))]);
      if (child.exitCode === null) child.kill("SIGKILL");
    }
    rmSync(dir, { recursive: true, force: true });
  }

  try {
    await waitUntil(async () => {
      if (child.exitCode !== null) throw new Error("nginx exited");
      return (await fetch(`${url}/health`)).ok;
    }, { timeoutMs: 10_000, what: "nginx to proxy /health" });
  } catch (error) {
    const log = existsSync(join(dir, "error.log")) ? readFileSync(join(dir, "error.log"), "utf8") : "";
    await stop();
    throw new Error(`nginx did not start (${(error as Error).message}):\n${stderr}\n${log}`);
  }

  const readLog = (): LogEntry[] =>
    readFileSync(join(dir, "access.log"), "utf8")
      .split("\n")
      .filter(Boolean)
      .map((line) => {
        const [sid, upstream, status, method, transport] = line.split("|");
        return { sid: sid!, upstream: upstream!, status: Number(status), method: method!, transport: transport! };
      });
  return { url, readLog, stop };
}
