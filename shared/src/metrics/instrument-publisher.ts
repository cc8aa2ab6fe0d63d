import { PublishUnavailableError, type Publisher } from "../publishing/index.js";
import type { CommonMetrics } from "./create-common-metrics.js";

/** Counts what the use-case accepted and refused, without the use-case knowing about metrics. */
export function instrumentPublisher(publisher: Publisher, metrics: CommonMetrics, transport: "http" | "queue"): Publisher {
  // Bound once: prom-client hashes a label object on every `inc` given one.
  const published = metrics.published.labels({ transport });
  return {
    async publish(command) {
      try {
        const publication = await publisher.publish(command);
        published.inc();
        return publication;
      } catch (error) {
        // Other failures are bugs: the transport that sees them counts them as `internal`.
        if (error instanceof PublishUnavailableError) metrics.countError("publish_unavailable");
        throw error;
      }
    },
  };
}
