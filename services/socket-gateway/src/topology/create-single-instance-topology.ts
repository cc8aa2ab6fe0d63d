import { instrumentPublisher, type CommonMetrics } from "@socket-server/shared/metrics";
import {
  createKeyRateLimiter,
  createMemoryReplayStore,
  createPublishApp,
  publishApiShedding,
  type PublishKeyConfig,
} from "@socket-server/shared/publish-http";
import { createInProcessRoomEmitter, createPublisher } from "@socket-server/shared/publishing";
import type { Topology } from "./topology.js";

export interface SingleInstanceTopologyDeps {
  config: {
    PUBLISH_RATE_LIMIT_PER_SECOND: number;
    PUBLISH_RATE_LIMIT_BURST: number;
    PUBLISH_MAX_IN_FLIGHT: number;
    MAX_PAYLOAD_BYTES: number;
  };
  /** The keys to accept: configured, or DEV_MODE's development key (resolvePublishKeys). */
  apiKeys: PublishKeyConfig[];
  metrics: CommonMetrics;
}

/**
 * One process is the whole system: Socket.IO's in-memory adapter, no Redis, and this process
 * also serves the publish API, emitting straight to its own sockets. The same publish transport
 * publish-api serves, composed over memory instead of Redis.
 */
export function createSingleInstanceTopology({ config, apiKeys, metrics }: SingleInstanceTopologyDeps): Topology {
  return {
    adapter: undefined,
    redisCheck: async () => "disabled",
    publishApi: (io) => ({
      app: createPublishApp({
        publisher: instrumentPublisher(createPublisher({ emitter: createInProcessRoomEmitter(io) }), metrics, "http"),
        notifications: undefined,
        apiKeys,
        // One process: counts and used signatures live in its memory.
        rateLimiter: createKeyRateLimiter({ perSecond: config.PUBLISH_RATE_LIMIT_PER_SECOND, burst: config.PUBLISH_RATE_LIMIT_BURST }),
        replayStore: createMemoryReplayStore(),
        maxPayloadBytes: config.MAX_PAYLOAD_BYTES,
      }),
      // Refusing its excess like publish-api does.
      shedding: publishApiShedding(config.PUBLISH_MAX_IN_FLIGHT, metrics),
    }),
  };
}
