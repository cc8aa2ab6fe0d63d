/** The V8 flag that makes a process print one `name=value` line per GC. */
export const SCAVENGE_TRACE_ARGS = ["--trace-gc-nvp"];

/**
 * The young-generation collections (scavenges) a child started with SCAVENGE_TRACE_ARGS prints:
 * `take()` answers those since the previous call, how many, their mean pause and how much of
 * the young generation survived each on average. A scavenge's pause grows with what survives it.
 */
export function traceScavenges(child) {
  let pending = "";
  let scavenges = [];
  child.stdout.on("data", (chunk) => {
    const lines = (pending + chunk).split("\n");
    pending = lines.pop();
    for (const line of lines) {
      if (!/\bgc=s\b/.test(line)) continue;
      const field = (name) => Number(new RegExp(`\\b${name}=([\\d.]+)`).exec(line)?.[1] ?? NaN);
      scavenges.push({ pauseMs: field("pause"), survivedBytes: field("new_space_survived") });
    }
  });
  return {
    take() {
      const taken = scavenges;
      scavenges = [];
      const mean = (pick) => (taken.length === 0 ? 0 : taken.reduce((sum, each) => sum + pick(each), 0) / taken.length);
      return { count: taken.length, meanPauseMs: mean((each) => each.pauseMs), meanSurvivedKB: mean((each) => each.survivedBytes) / 1024 };
    },
  };
}
