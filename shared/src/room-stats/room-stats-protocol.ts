import { ROOM_NAME_PATTERN } from "../events/index.js";

/**
 * How publish-api asks a fleet's gateways how many sockets a room has: it PUBLISHes a request
 * on one channel every gateway subscribes to, each gateway PUBLISHes its local count on the
 * reply channel the request names, and PUBLISH's own reply (how many subscribers received the
 * request) says how many answers to wait for. docs/rooms-api.md has the costs.
 */
export const roomStatsRequestChannel = (prefix: string) => `${prefix}:room-stats:request`;

/** One per asking process: its `instance` is random, so two publish-api never read each other's answers. */
export const roomStatsReplyChannel = (prefix: string, instance: string) => `${roomStatsReplyPrefix(prefix)}${instance}`;

const roomStatsReplyPrefix = (prefix: string) => `${prefix}:room-stats:reply:`;

/** How long publish-api waits for the gateways' answers before it reports what it has. */
export const ROOM_STATS_DEADLINE_MS = 500;

/** What the sockets of one room look like across the gateways that answered. */
export interface RoomCounts {
  /** Sockets in the room, summed over the gateways that answered. */
  subscribers: number;
  /** Gateways holding at least one of them. */
  gateways: number;
  /** False when a gateway that was asked did not answer by the deadline: the counts are then a lower bound. */
  complete: boolean;
  /** Gateways listening when the request was sent. */
  gatewaysAsked: number;
  gatewaysAnswered: number;
}

export interface RoomStatsRequest {
  id: string;
  room: string;
  replyTo: string;
}

export interface RoomStatsReply {
  id: string;
  /** The answering gateway's random id: one answer per gateway is counted. */
  gateway: string;
  subscribers: number;
}

const TOKEN = /^[A-Za-z0-9_-]{1,64}$/;
// Anything longer is not one of ours; parsing it is work for nothing.
const MAX_MESSAGE_LENGTH = 1024;

export const encodeRoomStatsRequest = (request: RoomStatsRequest) => JSON.stringify(request);
export const encodeRoomStatsReply = (reply: RoomStatsReply) => JSON.stringify(reply);

/**
 * A request a gateway may answer. The reply channel must be one of this deployment's reply
 * channels, so a forged request cannot make every gateway publish on another channel (the
 * Socket.IO adapter's, say).
 */
export function parseRoomStatsRequest(message: string, prefix: string): RoomStatsRequest | undefined {
  const value = parseObject(message);
  if (!value) return undefined;
  const { id, room, replyTo } = value;
  if (typeof id !== "string" || !TOKEN.test(id)) return undefined;
  if (typeof room !== "string" || !ROOM_NAME_PATTERN.test(room)) return undefined;
  const replyPrefix = roomStatsReplyPrefix(prefix);
  if (typeof replyTo !== "string" || !replyTo.startsWith(replyPrefix) || !TOKEN.test(replyTo.slice(replyPrefix.length))) return undefined;
  return { id, room, replyTo };
}

export function parseRoomStatsReply(message: string): RoomStatsReply | undefined {
  const value = parseObject(message);
  if (!value) return undefined;
  const { id, gateway, subscribers } = value;
  if (typeof id !== "string" || typeof gateway !== "string" || !TOKEN.test(gateway)) return undefined;
  if (typeof subscribers !== "number" || !Number.isSafeInteger(subscribers) || subscribers < 0) return undefined;
  return { id, gateway, subscribers };
}

function parseObject(message: string): Record<string, unknown> | undefined {
  if (message.length > MAX_MESSAGE_LENGTH) return undefined;
  try {
    const value: unknown = JSON.parse(message);
    return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
