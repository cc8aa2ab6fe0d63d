import { readFileSync } from "node:fs";
import { cpuMicros } from "./proc-stats.mjs";

// /proc/stat counts in clock ticks too; the same CLK_TCK as proc-stats (100 on Linux).
const TICK_US = 10_000;

function coreTicks(core) {
  const line = readFileSync("/proc/stat", "utf8").split("\n").find((l) => l.startsWith(`cpu${core} `));
  const [user, nice, system, idle, iowait, irq, softirq, steal] = line.split(/\s+/).slice(1).map(Number);
  return { task: user + nice + system, kernel: irq + softirq + steal, idle: idle + iowait };
}

/**
 * What else ran on a core while we measured. Other engineers build and test on this machine,
 * and a server that shares its core is measured wrong; so each phase reports how busy both
 * cores were, and how much of that was processes not ours (`ownPids`).
 * Interrupt and softirq time stays out of "others": loopback TCP delivery runs there on behalf
 * of our own writes.
 */
export function startCoreLoad(core, ownPids) {
  const t0 = coreTicks(core);
  const own0 = ownPids.map((pid) => safeCpu(pid));
  return () => {
    const t1 = coreTicks(core);
    const total = t1.task + t1.kernel + t1.idle - (t0.task + t0.kernel + t0.idle);
    const own = ownPids.reduce((sum, pid, i) => sum + (safeCpu(pid) - own0[i]), 0) / TICK_US;
    const busyPct = ((t1.task + t1.kernel - t0.task - t0.kernel) / total) * 100;
    const othersPct = Math.max(0, ((t1.task - t0.task - own) / total) * 100);
    return { busyPct, othersPct };
  };
}

function safeCpu(pid) {
  try {
    return cpuMicros(pid);
  } catch {
    return 0;
  }
}
