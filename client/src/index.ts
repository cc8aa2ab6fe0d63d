export { createClient } from "./create-client.js";
export { ClientError, type ClientErrorCode } from "./client-error.js";
export type { UnrecoverableReason } from "./create-room-cursor.js";
export type {
  Client,
  ClientOptions,
  MessageHandler,
  RetryOptions,
  SubscribeOptions,
  Subscription,
  TokenSource,
  UnrecoverableInfo,
} from "./types.js";
export type { DeliveryMeta, RoomPosition } from "./wire.js";
