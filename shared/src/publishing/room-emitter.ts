import type { DeliveryMeta, JsonValue } from "../events/index.js";

/** One copy of a publication, addressed to one room. */
export interface RoomDelivery {
  room: string;
  event: string;
  data: JsonValue;
  meta: DeliveryMeta;
  /** Socket ids that must not receive this copy. */
  except: string[];
  /** Scoped to the publishing key: a retry of the same message is stored once (history only). */
  idempotencyKey?: string | undefined;
}

/** Each room's offset in its history, for emitters that keep one. */
export type RoomOffsets = Record<string, number>;

/**
 * The port the publisher talks to. `emit` resolves only once every delivery was taken
 * (stored in history, or by Redis, or by the local Socket.IO server) and rejects with
 * `PublishUnavailableError` otherwise; with history, it resolves with each room's offset.
 */
export interface RoomEmitter {
  emit(deliveries: RoomDelivery[]): Promise<RoomOffsets | void>;
}
