/**
 * Redis names of a room's history. Every key of one room carries the room as its hash tag, so
 * the append script's keys share one cluster slot; room names cannot contain braces.
 */
export function historyKeys(prefix: string, room: string) {
  const base = `${prefix}:room:{${room}}`;
  return {
    /** A hash: `offset` (the latest) and `epoch`. */
    position: `${base}:position`,
    /** A stream whose entry ids are `<offset>-0`, capped at the history size. */
    log: `${base}:log`,
    idempotency: (scopedKey: string) => `${base}:idempotency:${scopedKey}`,
  };
}

/** The classic pub/sub channel every stored message is announced on, to every gateway. */
export const historyFeedChannel = (prefix: string) => `${prefix}:room-feed`;

/**
 * A room's own shard channel (sharded pub/sub): only gateways holding the room subscribe to it,
 * and it hashes to the slot of the room's keys, so the append script can announce on it.
 */
export const roomFeedChannel = (prefix: string, room: string) => `${prefix}:room:{${room}}:feed`;
