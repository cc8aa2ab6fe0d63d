import type { Queue, Worker } from "bullmq";
import { Counter, Gauge, Histogram, type Registry } from "prom-client";
import { withTimeout } from "@socket-server/shared/redis";
import { METRIC, type CommonMetrics } from "@socket-server/shared/metrics";

const STATES = ["waiting", "delayed", "active", "failed"] as const;

/** Queue depth (read at scrape time), job durations and outcomes. */
export function registerWorkerMetrics(registry: Registry, worker: Worker, queue: Queue, common: CommonMetrics): void {
  new Gauge({
    name: METRIC.queueJobs,
    help: "Notification jobs by state",
    labelNames: ["state"],
    registers: [registry],
    async collect() {
      // A scrape during a Redis outage reports nothing rather than hanging or failing.
      const counts = await withTimeout(queue.getJobCounts(...STATES), 500).catch(() => undefined);
      if (!counts) return;
      for (const state of STATES) this.set({ state }, counts[state] ?? 0);
    },
  });
  const duration = new Histogram({
    name: METRIC.jobDuration,
    help: "From a job's pick-up to its completion or failure",
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
  const attempts = new Histogram({
    name: METRIC.jobAttempts,
    help: "Attempts a job took, observed when it completed or failed for good",
    buckets: [1, 2, 3, 4, 5, 6, 8, 10],
    registers: [registry],
  });
  const outcomes = new Counter({
    name: METRIC.jobs,
    help: "Job attempts by outcome: completed, retried (will run again) or failed (for good)",
    labelNames: ["outcome"],
    registers: [registry],
  });

  const observeDuration = (job: { processedOn?: number | undefined; finishedOn?: number | undefined }) => {
    if (job.processedOn) duration.observe(Math.max(0, (job.finishedOn ?? Date.now()) - job.processedOn) / 1000);
  };
  worker.on("completed", (job) => {
    outcomes.inc({ outcome: "completed" });
    attempts.observe(job.attemptsMade);
    observeDuration(job);
  });
  worker.on("failed", (job, error) => {
    if (!job) return;
    observeDuration(job);
    const final = job.attemptsMade >= (job.opts.attempts ?? 1) || error.name === "UnrecoverableError";
    outcomes.inc({ outcome: final ? "failed" : "retried" });
    if (final) {
      common.countError("job_failed");
      attempts.observe(job.attemptsMade);
    }
  });
}
