import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { Redis } from "ioredis";
import { freePort } from "./free-port.js";
import { waitUntil } from "./wait-until.js";

export function hasRedisServerBinary(): boolean {
  return spawnSync("redis-server", ["--version"], { stdio: "ignore" }).status === 0;
}

export interface RedisServerProcess {
  url: string;
  port: number;
  /** Kills the server (SIGKILL): connections drop at once, nothing is kept. */
  kill(): Promise<void>;
  /** Starts it again on the same port. */
  restart(): Promise<void>;
  /** SIGSTOP: connections stay open but nothing answers, the hardest failure to notice. */
  freeze(): void;
  thaw(): void;
  stop(): Promise<void>;
}

/** A private `redis-server` on a free port, for tests that need to kill or pause their Redis. */
export async function startRedisServer(extraArgs: string[] = []): Promise<RedisServerProcess> {
  const port = await freePort();
  const url = `redis://127.0.0.1:${port}`;
  let child: ChildProcess | undefined;

  async function start() {
    child = spawn("redis-server", ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", ...extraArgs], {
      stdio: "ignore",
    });
    const probe = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    probe.on("error", () => {});
    try {
      await waitUntil(async () => {
        if (probe.status !== "ready") await probe.connect().catch(() => {});
        return (await probe.ping()) === "PONG";
      }, { what: `redis-server on port ${port}` });
    } finally {
      probe.disconnect();
    }
  }

  async function kill() {
    const running = child;
    if (!running || running.exitCode !== null) return;
    running.kill("SIGCONT");
    const exited = new Promise((resolve) => running.once("exit", resolve));
    running.kill("SIGKILL");
    await exited;
  }

  await start();
  return { url, port, kill, restart: start, freeze: () => child?.kill("SIGSTOP"), thaw: () => child?.kill("SIGCONT"), stop: kill };
}
