/** What every delivered event carries as its second argument. */
export interface DeliveryMeta {
  /** The publication's id, the same for every room of one publish. */
  id: string;
  /** The room this copy was delivered through. */
  room: string;
  /** Milliseconds since the epoch when the system accepted the publication. */
  ts: number;
}

export type AckErrorCode = "invalid_room" | "invalid_request" | "forbidden" | "rate_limited" | "internal";

export type SubscriptionAck =
  | { ok: true; rooms: string[] }
  | { ok: false; error: { code: AckErrorCode; message: string } };

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

export interface ClientToServerEvents {
  subscribe: (rooms: string | string[], ack?: (result: SubscriptionAck) => void) => void;
  unsubscribe: (rooms: string | string[], ack?: (result: SubscriptionAck) => void) => void;
}
