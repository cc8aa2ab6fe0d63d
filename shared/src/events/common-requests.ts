import { checkJsonData } from "./check-json-data.js";
import type { JsonValue } from "./client-protocol.js";
import { MAX_EVENT_NAME_LENGTH, NO_CONTROL_CHARACTERS, RESERVED_EVENT_NAMES } from "./event-name.js";
import {
  JOB_ID_PATTERN,
  MAX_EXCEPT_PER_PUBLISH,
  MAX_IDEMPOTENCY_KEY_LENGTH,
  MAX_MESSAGES_PER_BATCH,
  MAX_NOTIFICATION_ATTEMPTS,
  MAX_NOTIFICATION_DELAY_MS,
  MAX_ROOMS_PER_PUBLISH,
  MAX_SOCKET_ID_LENGTH,
  PLAIN_INTEGER_PATTERN,
  type NotificationRequest,
  type PublishBatchRequest,
  type PublishRequest,
} from "./publish-request.js";
import type { NotificationJob } from "./notification-job.js";
import { ROOM_NAME_PATTERN } from "./room-name.js";

/*
 * The usual publish, batch and notification, and the worker's job, checked by hand ahead of
 * their zod schemas. zod's general machinery cost a notification 40 to 60 µs of CPU at 1,000 to
 * 2,000 a second (bench/README.md, tenth round) and a batch about 5 µs per message. Each
 * function returns what
 * its schema would return, or `undefined` for anything it does not vouch for; the schema then
 * decides, and words the refusal. So these may pass on a valid request, never accept one the
 * schema refuses: common-requests.test.ts holds them to that.
 */

const PUBLISH_FIELDS: ReadonlySet<string> = new Set(["room", "rooms", "event", "data", "except", "idempotencyKey"]);
const NOTIFICATION_FIELDS: ReadonlySet<string> = new Set(["room", "rooms", "event", "data", "except", "delayMs", "attempts", "jobId"]);
const MESSAGES_FIELD: ReadonlySet<string> = new Set(["messages"]);
const JOB_FIELDS: ReadonlySet<string> = new Set(["id", "acceptedAt", "rooms", "event", "data", "except"]);

type Fields = Record<string, unknown>;

/** What PublishRequestSchema would return for `body`, when it is the usual shape. */
export function commonPublishRequest(body: unknown): PublishRequest | undefined {
  if (!isPlainObject(body) || !onlyFields(body, PUBLISH_FIELDS)) return undefined;
  const common = commonFields(body);
  if (!common) return undefined;
  const { idempotencyKey } = body;
  if (idempotencyKey === undefined) return common;
  if (typeof idempotencyKey !== "string" || idempotencyKey.length < 1 || idempotencyKey.length > MAX_IDEMPOTENCY_KEY_LENGTH) return undefined;
  return { ...common, idempotencyKey };
}

/** What PublishBatchRequestSchema would return for `body`, when every message is the usual shape. */
export function commonPublishBatch(body: unknown): PublishBatchRequest | undefined {
  if (!isPlainObject(body) || !onlyFields(body, MESSAGES_FIELD)) return undefined;
  const { messages } = body;
  if (!Array.isArray(messages) || messages.length < 1 || messages.length > MAX_MESSAGES_PER_BATCH) return undefined;
  const requests: PublishRequest[] = [];
  for (const message of messages) {
    const request = commonPublishRequest(message);
    if (!request) return undefined;
    requests.push(request);
  }
  return { messages: requests };
}

/** What NotificationRequestSchema would return for `body`, when it is the usual shape. */
export function commonNotificationRequest(body: unknown): NotificationRequest | undefined {
  if (!isPlainObject(body) || !onlyFields(body, NOTIFICATION_FIELDS)) return undefined;
  const common = commonFields(body);
  if (!common) return undefined;
  const { delayMs = 0, attempts = 3, jobId } = body;
  if (!integerWithin(delayMs, 0, MAX_NOTIFICATION_DELAY_MS) || !integerWithin(attempts, 1, MAX_NOTIFICATION_ATTEMPTS)) return undefined;
  if (jobId === undefined) return { ...common, delayMs, attempts };
  if (typeof jobId !== "string" || !JOB_ID_PATTERN.test(jobId) || PLAIN_INTEGER_PATTERN.test(jobId)) return undefined;
  return { ...common, delayMs, attempts, jobId };
}

/**
 * What NotificationJobSchema would return for a job publish-api queued. zod's parse had been 5%
 * of the worker's CPU in the queue path's profile (bench/README.md, eleventh round).
 */
export function commonNotificationJob(value: unknown): NotificationJob | undefined {
  if (!isPlainObject(value) || !onlyFields(value, JOB_FIELDS)) return undefined;
  const { id, acceptedAt, rooms, event, except = [] } = value;
  const data = value.data as JsonValue;
  if (typeof id !== "string" || id.length < 1 || !integerWithin(acceptedAt, 0, Number.MAX_SAFE_INTEGER)) return undefined;
  if (!Array.isArray(rooms) || rooms.length < 1 || rooms.length > MAX_ROOMS_PER_PUBLISH || !rooms.every(isRoomName)) return undefined;
  if (!isEventName(event) || data === undefined || checkJsonData(data)) return undefined;
  if (!Array.isArray(except) || !except.every((socketId) => typeof socketId === "string")) return undefined;
  return { id, acceptedAt, rooms: rooms as string[], event, data, except: except as string[] };
}

/** The fields publishes and notifications share, as `withRooms` normalises them. */
function commonFields(body: Fields): Omit<PublishRequest, "idempotencyKey"> | undefined {
  const { room, rooms, event, except } = body;
  // checkJsonData below vouches for it.
  const data = body.data as JsonValue;
  const named = room === undefined ? (rooms === undefined ? undefined : roomList(rooms)) : rooms === undefined && isRoomName(room) ? [room] : undefined;
  if (!named || !isEventName(event) || data === undefined || checkJsonData(data)) return undefined;
  if (except === undefined) return { rooms: named, event, data };
  if (!isSocketIdList(except)) return undefined;
  return { rooms: named, event, data, except };
}

function roomList(rooms: unknown): string[] | undefined {
  if (!Array.isArray(rooms) || rooms.length < 1 || rooms.length > MAX_ROOMS_PER_PUBLISH) return undefined;
  for (const room of rooms) if (!isRoomName(room)) return undefined;
  return rooms.length === 1 ? [rooms[0] as string] : [...new Set(rooms as string[])];
}

const isRoomName = (value: unknown): value is string => typeof value === "string" && ROOM_NAME_PATTERN.test(value);

function isEventName(value: unknown): value is string {
  return typeof value === "string" && value.length <= MAX_EVENT_NAME_LENGTH && NO_CONTROL_CHARACTERS.test(value) && !RESERVED_EVENT_NAMES.has(value);
}

function isSocketIdList(value: unknown): value is string[] {
  if (!Array.isArray(value) || value.length > MAX_EXCEPT_PER_PUBLISH) return false;
  for (const id of value) if (typeof id !== "string" || id.length < 1 || id.length > MAX_SOCKET_ID_LENGTH) return false;
  return true;
}

function integerWithin(value: unknown, min: number, max: number): value is number {
  return typeof value === "number" && Number.isInteger(value) && value >= min && value <= max;
}

function isPlainObject(value: unknown): value is Fields {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return false;
  const prototype: unknown = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

/** Every own key one of `allowed` (strict schemas refuse the rest), none of them `undefined`. */
function onlyFields(body: Fields, allowed: ReadonlySet<string>): boolean {
  for (const key of Object.keys(body)) if (!allowed.has(key) || body[key] === undefined) return false;
  return true;
}
