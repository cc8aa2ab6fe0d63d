import type { RoomHistory } from "../history/index.js";
import { PublishUnavailableError } from "./publish-unavailable-error.js";
import type { RoomEmitter, RoomOffsets } from "./room-emitter.js";

/**
 * Publishes by storing: each room's copy is appended to its history, which gives it the room's
 * next offset and announces it to the gateways in the same step. A publish to several rooms is
 * one step per room; when one fails the message may be stored in some rooms, which a retry with
 * the same idempotency key completes without storing any room twice.
 */
export function createHistoryRoomEmitter(history: RoomHistory): RoomEmitter {
  return {
    async emit(deliveries) {
      const results = await Promise.all(
        deliveries.map(({ room, event, data, meta, except, idempotencyKey }) =>
          history.append({ room, entry: { id: meta.id, event, data, ts: meta.ts, except }, idempotencyKey }),
        ),
      ).catch((cause: unknown) => {
        throw new PublishUnavailableError("Redis did not store the message", { cause });
      });
      const offsets: RoomOffsets = {};
      deliveries.forEach(({ room }, index) => {
        offsets[room] = results[index]!.offset;
      });
      return offsets;
    },
  };
}
