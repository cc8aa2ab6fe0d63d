import { createLocalFeed, createMemoryHistory, type HistorySettings } from "@socket-server/shared/history";
import { instrumentPublisher, type CommonMetrics } from "@socket-server/shared/metrics";
import {
  createKeyRateLimiter,
  createMemoryReplayStore,
  createPublishApp,
  createPublishFastLane,
  publishApiShedding,
  type PublishAppDeps,
  type PublishKeyConfig,
} from "@socket-server/shared/publish-http";
import { createHistoryRoomEmitter, createInProcessRoomEmitter, createPublisher } from "@socket-server/shared/publishing";
import type { Logger } from "pino";
import { createLocalRoomState } from "../room-stats/create-local-room-state.js";
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
  logger: Logger;
  /** Absent with HISTORY_SIZE=0: publishes go straight to the sockets, as before history. */
  history: HistorySettings | undefined;
}

/**
 * One process is the whole system: Socket.IO's in-memory adapter, no Redis, and this process
 * also serves the publish API. The same publish transport publish-api serves, composed over
 * memory instead of Redis: history in memory, announced to this process's own gateway.
 */
export function createSingleInstanceTopology({ config, apiKeys, metrics, logger, history: settings }: SingleInstanceTopologyDeps): Topology {
  const feed = createLocalFeed();
  const history = settings && createMemoryHistory({ settings, onAppend: feed.announce });
  return {
    adapter: undefined,
    redisCheck: async () => "disabled",
    history: history && { store: history, stats: history.stats },
    feed: history && feed,
    // Its publish API counts this process's sockets directly.
    answerRoomStats: () => {},
    publishApi: (io) => {
      const deps: PublishAppDeps = {
        publisher: instrumentPublisher(
          createPublisher({ emitter: history ? createHistoryRoomEmitter(history) : createInProcessRoomEmitter(io) }),
          metrics,
          "http",
        ),
        notifications: undefined,
        apiKeys,
        // One process: counts and used signatures live in its memory.
        rateLimiter: createKeyRateLimiter({ perSecond: config.PUBLISH_RATE_LIMIT_PER_SECOND, burst: config.PUBLISH_RATE_LIMIT_BURST }),
        replayStore: createMemoryReplayStore(),
        roomState: createLocalRoomState({ io, history }),
        maxPayloadBytes: config.MAX_PAYLOAD_BYTES,
      };
      return {
        app: createPublishApp(deps),
        fastLane: createPublishFastLane(deps, { logger, metrics }),
        // Refusing its excess like publish-api does.
        shedding: publishApiShedding(config.PUBLISH_MAX_IN_FLIGHT, metrics),
      };
    },
  };
}
