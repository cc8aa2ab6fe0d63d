import type { HistoryEntry } from "./room-history.js";

/** A stored message as the gateways hear of it. */
export interface FeedMessage {
  room: string;
  epoch: string;
  entry: HistoryEntry;
}

/**
 * The position a message published without history carries on a room's shard channel: it is
 * delivered as heard, with no offset to order it by.
 */
export const UNSEQUENCED = { offset: 0, epoch: "" } as const;

/**
 * The append script announces `<offset>\n<epoch>\n<room>\n<entry JSON>`: Lua builds it by
 * concatenation around the JSON the publisher encoded, so Redis never decodes a message.
 * Offsets, epochs and room names cannot contain a newline.
 */
export function parseFeedMessage(message: string, wanted: (room: string) => boolean = () => true): FeedMessage | undefined {
  const first = message.indexOf("\n");
  const second = message.indexOf("\n", first + 1);
  const third = message.indexOf("\n", second + 1);
  if (first < 0 || second < 0 || third < 0) return undefined;
  // Every gateway hears every room's messages: decode only those of rooms it holds.
  if (!wanted(message.slice(second + 1, third))) return undefined;
  const offset = Number(message.slice(0, first));
  if (!Number.isSafeInteger(offset) || offset < 0) return undefined;
  try {
    const stored = JSON.parse(message.slice(third + 1)) as Omit<HistoryEntry, "offset">;
    return { room: message.slice(second + 1, third), epoch: message.slice(first + 1, second), entry: { ...stored, offset } };
  } catch {
    return undefined;
  }
}

/** What the log and the feed keep of an entry: its offset is the log id and the feed's first line. */
export function encodeStoredEntry({ id, event, data, ts, except }: Omit<HistoryEntry, "offset">): string {
  return JSON.stringify({ id, event, data, ts, except });
}
