import { Hono } from "hono";
import { pino } from "pino";
import { handleErrors } from "../http/index.js";
import type { PublishKeyConfig } from "./publish-keys.js";
import { createPublisher, type Publisher, type RoomDelivery } from "../publishing/index.js";
import { createKeyRateLimiter } from "./create-key-rate-limiter.js";
import { createMemoryReplayStore } from "./create-memory-replay-store.js";
import { createPublishApp } from "./create-publish-app.js";
import type { KeyRateLimiter } from "./key-rate-limiter.js";
import type { NotificationQueue } from "./notification-queue.js";
import type { ReplayStore } from "./replay-store.js";
import type { ReadRoomState } from "./room-state.js";

export const KEY = "test-key";
export const OTHER_KEY = "other-key";

export interface PublishAppFixtureOptions {
  keys?: Array<string | PublishKeyConfig>;
  /** Every emit fails with it, or, as a function, those it returns an error for (a batch's messages one by one). */
  failWith?: Error | ((deliveries: RoomDelivery[]) => Error | undefined);
  /** A real publisher (over Redis, say) instead of the recording one; `emitted` then stays empty. */
  publisher?: Publisher;
  notifications?: NotificationQueue;
  rateLimiter?: KeyRateLimiter;
  replayStore?: ReplayStore;
  roomState?: ReadRoomState;
  maxPayloadBytes?: number;
  now?: () => number;
}

/** A publish app with a recording emitter, as `app.request()` tests use it: no network. */
export function publishAppFixture(options: PublishAppFixtureOptions = {}) {
  const emitted: RoomDelivery[][] = [];
  const keys = (options.keys ?? [OTHER_KEY, KEY]).map((entry) =>
    typeof entry === "string" ? { key: entry, rooms: undefined, signingSecret: undefined } : entry,
  );
  // Mounted as the services mount it, on an app that renders errors.
  const app = new Hono();
  handleErrors(app, pino({ level: "silent" }));
  app.route("/", createPublishApp({
    publisher: options.publisher ?? createPublisher({
      emitter: {
        async emit(deliveries) {
          const failure = typeof options.failWith === "function" ? options.failWith(deliveries) : options.failWith;
          if (failure) throw failure;
          emitted.push(deliveries);
        },
      },
    }),
    notifications: options.notifications,
    apiKeys: keys,
    rateLimiter: options.rateLimiter ?? createKeyRateLimiter({ perSecond: 0, burst: 0 }),
    // On the app's clock: with a pinned `now`, a store on the real clock would expire claims
    // early and let a replay through (the fuzz test caught this once the run took over 4 s).
    replayStore: options.replayStore ?? createMemoryReplayStore(options.now ? { now: options.now } : {}),
    roomState: options.roomState ?? (async () => ({ subscribers: 0, gateways: 0, complete: true, gatewaysAsked: 0, gatewaysAnswered: 0, history: null })),
    maxPayloadBytes: options.maxPayloadBytes ?? 1000,
    ...(options.now ? { now: options.now } : {}),
  }));
  const post = (path: string, body: unknown, headers: Record<string, string> = { authorization: `Bearer ${KEY}` }) =>
    app.request(path, { method: "POST", body: typeof body === "string" || body instanceof Uint8Array ? body : JSON.stringify(body), headers });
  return { app, emitted, post };
}
