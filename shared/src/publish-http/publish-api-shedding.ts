import type { LoadShedding } from "../http/index.js";
import type { CommonMetrics } from "../metrics/index.js";

/**
 * The publish API's shedding, in publish-api and the single-instance gateway: `/v1/` only, each
 * refusal counted as a `5xx` of route `/v1/*` (Hono, which labels by matched route, never sees it).
 */
export function publishApiShedding(maxInFlight: number, metrics: Pick<CommonMetrics, "httpRequests">): LoadShedding {
  const refused = metrics.httpRequests.labels({ route: "/v1/*", status: "5xx" });
  return { maxInFlight, pathPrefix: "/v1/", onShed: () => refused.inc() };
}
