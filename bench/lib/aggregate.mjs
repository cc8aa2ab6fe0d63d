/** Median and spread (min, max) of repeated runs; nulls (nothing measured) are skipped. */
export function medianSpread(values) {
  const sorted = values.filter((v) => typeof v === "number" && Number.isFinite(v)).sort((a, b) => a - b);
  if (sorted.length === 0) return { median: null, min: null, max: null, n: 0 };
  const mid = Math.floor(sorted.length / 2);
  const median = sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  return { median, min: sorted[0], max: sorted.at(-1), n: sorted.length };
}

/** Median/spread of the listed fields over phases, e.g. pick(runs, {p99: r => r.latency.p99}). */
export function aggregate(runs, fields) {
  return Object.fromEntries(Object.entries(fields).map(([name, get]) => [name, medianSpread(runs.map(get))]));
}

/**
 * The run that stands for a repeated step: the median once the runs are ranked best to worst,
 * invalid runs always worst, so of two it is the worse and one invalid run makes the step
 * invalid; of three, two must be. `worse(a, b)` is positive when `a` is the worse of the two.
 */
export function medianRun(runs, worse) {
  const ranked = [...runs].sort((a, b) => (a.valid === b.valid ? worse(a, b) : a.valid ? -1 : 1));
  return ranked[Math.floor(ranked.length / 2)];
}

/**
 * A repeated step as the report shows it: its `medianRun`, how many runs it had and how many
 * were valid, and the median/spread of `fields` over the valid runs (over all, when none was).
 */
export function summarizeStep(runs, worse, fields) {
  const valid = runs.filter((run) => run.valid);
  const spread = aggregate(valid.length > 0 ? valid : runs, fields);
  return { ...medianRun(runs, worse), runs: runs.length, validRuns: valid.length, spread };
}
