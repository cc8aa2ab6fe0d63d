import { hash, randomUUID } from "node:crypto";
import type { JsonValue } from "../events/index.js";
import type { RoomEmitter, RoomOffsets } from "./room-emitter.js";

export interface PublishCommand {
  rooms: string[];
  event: string;
  data: JsonValue;
  except?: string[];
  /** Set by callers that accepted the message earlier (a queued notification keeps its id). */
  id?: string;
  acceptedAt?: number;
  /**
   * Already scoped to whoever publishes (a key's id, a job's id): every attempt of the message
   * gets the same publication id, and history stores it once per room.
   */
  idempotencyKey?: string | undefined;
}

export interface Publication {
  id: string;
  rooms: string[];
  ts: number;
  /** Each room's offset, when the emitter keeps history. */
  offsets?: RoomOffsets;
}

export interface Publisher {
  publish(command: PublishCommand): Promise<Publication>;
}

export interface PublisherDeps {
  emitter: RoomEmitter;
  now?: () => number;
  newId?: () => string;
}

/** The one publishing use-case: the HTTP route and the queue job both call it. */
export function createPublisher({ emitter, now = Date.now, newId = randomUUID }: PublisherDeps): Publisher {
  return {
    async publish(command) {
      const { idempotencyKey } = command;
      const id = command.id ?? (idempotencyKey === undefined ? newId() : idFor(idempotencyKey));
      const ts = command.acceptedAt ?? now();
      const except = command.except ?? [];
      const offsets = await emitter.emit(
        command.rooms.map((room) => ({
          room,
          event: command.event,
          data: command.data,
          meta: { id, room, ts },
          except,
          idempotencyKey,
        })),
      );
      return offsets ? { id, rooms: command.rooms, ts, offsets } : { id, rooms: command.rooms, ts };
    },
  };
}

/** A UUID-shaped id fixed by the idempotency key, so a retry answers with the first attempt's id. */
function idFor(idempotencyKey: string): string {
  const hex = hash("sha256", idempotencyKey, "hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}
