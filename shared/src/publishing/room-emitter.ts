import type { DeliveryMeta, JsonValue } from "../events/index.js";

/** One copy of a publication, addressed to one room. */
export interface RoomDelivery {
  room: string;
  event: string;
  data: JsonValue;
  meta: DeliveryMeta;
  /** Socket ids that must not receive this copy. */
  except: string[];
}

/**
 * The port the publisher talks to. `emit` resolves only once every delivery was taken
 * (by Redis, or by the local Socket.IO server) and rejects with `PublishUnavailableError`
 * otherwise.
 */
export interface RoomEmitter {
  emit(deliveries: RoomDelivery[]): Promise<void>;
}
