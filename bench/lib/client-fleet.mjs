import { fileURLToPath } from "node:url";
import { cpuMicros } from "./proc-stats.mjs";
import { CLIENT_CORE, profileArgs, spawnPinned, stopChild } from "./processes.mjs";

const CLIENT_SCRIPT = fileURLToPath(new URL("./load-client-process.mjs", import.meta.url));

/**
 * The load clients: several processes on the client core, because one process may hold at most
 * about 19,900 sockets (20,000 fds) and a smaller share keeps each event loop responsive.
 */
export async function startFleet({ processes, script = CLIENT_SCRIPT }) {
  const members = [];
  for (let i = 0; i < processes; i++) {
    const child = spawnPinned(CLIENT_CORE, process.execPath, [...profileArgs(), script], { stdio: ["ignore", "pipe", "pipe", "ipc"] });
    const pending = new Map();
    let nextId = 0;
    child.on("message", ({ id, result, error }) => {
      const waiter = pending.get(id);
      pending.delete(id);
      if (error) waiter?.reject(new Error(`load client ${child.pid}: ${error}`));
      else waiter?.resolve(result);
    });
    child.once("exit", (code) => {
      for (const waiter of pending.values()) waiter.reject(new Error(`load client exited (${code}): ${child.output()}`));
    });
    const call = (command, args = {}) =>
      new Promise((resolve, reject) => {
        const id = nextId++;
        pending.set(id, { resolve, reject });
        child.send({ id, command, args });
      });
    members.push({ child, call });
  }
  const all = (command, argsFor) => Promise.all(members.map((member, i) => member.call(command, argsFor?.(i) ?? {})));

  return {
    pids: members.map((member) => member.child.pid),
    /** A command to every process (`argsFor(i)` its arguments), for scripts other than the load client's. */
    all,
    /** Spreads `total` connections over the processes; the cohort lives in the first one. */
    async connect({ server, total, cohort, smallRooms, addresses = 8, concurrency = 100 }) {
      const share = Math.ceil(total / members.length);
      const wsUrl = `ws://127.0.0.1:${server.port}/socket.io/?EIO=4&transport=websocket`;
      return all("connect", (i) => ({
        wsUrl,
        httpUrl: server.url,
        firstIndex: i * share,
        count: Math.max(0, Math.min(share, total - i * share)),
        cohort: i === 0 ? cohort : 0,
        smallRooms,
        addresses,
        concurrency,
      }));
    },
    reset: (phase, size) => all("reset", () => ({ phase, size })),
    async received() {
      const counts = await all("counts");
      return counts.reduce((sum, c) => sum + c.received, 0);
    },
    collect: () => all("collect"),
    cpuMicros: () => members.reduce((sum, member) => sum + cpuMicros(member.child.pid), 0),
    async close() {
      await Promise.allSettled(members.map((member) => member.call("close")));
      await Promise.all(members.map((member) => stopChild(member.child, 3_000)));
    },
  };
}
