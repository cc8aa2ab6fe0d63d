import { execFileSync, spawn } from "node:child_process";
import { availableParallelism } from "node:os";

/**
 * Every process the bench starts goes through here, so that one exit path (normal end, error,
 * Ctrl-C, or the run deadline) can kill whatever is still running.
 */
const children = new Set();

// Core 0 serves, core 1 loads; on a one-core machine both share core 0 (and the report says so).
export const SERVER_CORE = 0;
export const CLIENT_CORE = availableParallelism() > 1 ? 1 : 0;

/** Starts `command args` pinned to one core with taskset; taskset execs, so child.pid is the program. */
export function spawnPinned(core, command, args, options = {}) {
  const child = spawn("taskset", ["-c", String(core), command, ...args], { stdio: ["ignore", "pipe", "pipe"], ...options });
  children.add(child);
  let output = "";
  const keep = (chunk) => {
    output = (output + chunk).slice(-20_000);
  };
  child.stdout?.on("data", keep);
  child.stderr?.on("data", keep);
  child.output = () => output;
  child.exited = new Promise((resolve) => child.once("exit", (code, signal) => resolve(code ?? signal)));
  child.once("exit", () => children.delete(child));
  return child;
}

/**
 * `--profile` (BENCH_CPU_PROF_DIR): every node process the bench starts writes a .cpuprofile
 * on exit, to open in Chrome DevTools or speedscope as a flame graph.
 */
export function profileArgs() {
  const dir = process.env.BENCH_CPU_PROF_DIR;
  return dir ? ["--cpu-prof", `--cpu-prof-dir=${dir}`] : [];
}

/** SIGTERM, then SIGKILL if the process is still there after `graceMs`. */
export async function stopChild(child, graceMs = 5_000) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), graceMs);
  await child.exited;
  clearTimeout(timer);
}

export function killAllChildren() {
  for (const child of children) child.kill("SIGKILL");
}

/** Pins this (orchestrating, publishing) process and its threads to the client core. */
export function pinSelf(core) {
  execFileSync("taskset", ["-a", "-cp", String(core), String(process.pid)], { stdio: "ignore" });
}

export function installCleanup(deadlineMs) {
  process.once("exit", killAllChildren);
  for (const signal of ["SIGINT", "SIGTERM"]) {
    process.once(signal, () => {
      killAllChildren();
      process.exit(130);
    });
  }
  const deadline = setTimeout(() => {
    console.error(`bench: run deadline of ${deadlineMs / 1000} s passed, stopping everything`);
    killAllChildren();
    process.exit(2);
  }, deadlineMs);
  deadline.unref();
}
