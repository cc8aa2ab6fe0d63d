import { mkdirSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { sleep } from "./clock.mjs";
import { startServer } from "./servers.mjs";

/**
 * A bench server that writes a V8 heap snapshot on SIGUSR2 into a private directory.
 * `snapshot()` asks for one and resolves with it parsed, once the file is complete: it stops
 * growing and closes its JSON. `stop()` stops the server and removes the directory.
 */
export async function startSnapshottingServer(name) {
  const dir = `/tmp/bench-heap-${process.pid}`;
  mkdirSync(dir, { recursive: true });
  const server = await startServer(name, { nodeArgs: ["--heapsnapshot-signal=SIGUSR2", `--diagnostic-dir=${dir}`] });

  async function snapshot() {
    const before = new Set(readdirSync(dir));
    process.kill(server.pid, "SIGUSR2");
    let file;
    while (!file) {
      await sleep(500);
      file = readdirSync(dir).find((f) => !before.has(f) && f.endsWith(".heapsnapshot"));
    }
    for (let size = -1; ; ) {
      await sleep(500);
      const text = readFileSync(`${dir}/${file}`, "utf8");
      if (text.length > 0 && text.length === size && text.trimEnd().endsWith("]}")) return JSON.parse(text);
      size = text.length;
    }
  }

  return {
    server,
    snapshot,
    async stop() {
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
