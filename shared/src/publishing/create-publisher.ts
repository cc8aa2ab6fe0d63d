import { randomUUID } from "node:crypto";
import type { JsonValue } from "../events/index.js";
import type { RoomEmitter } from "./room-emitter.js";

export interface PublishCommand {
  rooms: string[];
  event: string;
  data: JsonValue;
  except?: string[];
  /** Set by callers that accepted the message earlier (a queued notification keeps its id). */
  id?: string;
  acceptedAt?: number;
}

export interface Publication {
  id: string;
  rooms: string[];
  ts: number;
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
      const id = command.id ?? newId();
      const ts = command.acceptedAt ?? now();
      const except = command.except ?? [];
      await emitter.emit(
        command.rooms.map((room) => ({
          room,
          event: command.event,
          data: command.data,
          meta: { id, room, ts },
          except,
        })),
      );
      return { id, rooms: command.rooms, ts };
    },
  };
}
