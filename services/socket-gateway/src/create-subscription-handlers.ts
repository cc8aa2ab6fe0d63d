import type { RoomPositionWire, SubscriptionAck } from "@socket-server/shared/events";
import { userRoom } from "./client-identity.js";
import type { GatewaySocket } from "./gateway-socket.js";
import type { RoomSubscriber } from "./history/create-room-subscriber.js";
import { parseRoomList } from "./parse-room-list.js";
import { parseSubscribeRequest, type SubscribeRequest } from "./parse-subscribe-request.js";
import { splitAckArgs } from "./split-ack-args.js";

type Failure = Extract<SubscriptionAck, { ok: false }>;
type Ack = (result: SubscriptionAck) => void;

export interface SubscriptionHandlersDeps {
  maxRooms: number;
  /** With history on: joins rooms at a position, replaying from `since`. Absent: plain joins. */
  subscribeRoom?: RoomSubscriber | undefined;
  /**
   * Without history on a sharded feed: resolves once a room's messages reach this gateway; a
   * plain join is acknowledged only then, so what is published after the ack is received.
   */
  follow?: ((room: string) => Promise<void>) | undefined;
}

/**
 * `subscribe` / `unsubscribe`: the only way a client joins or leaves a room. A request is all
 * or nothing: one room that is invalid, not granted or over the limit refuses the whole list.
 * With history each room is joined at a position, possibly after a replay; one socket's requests
 * are then handled one after another, so an unsubscribe cannot overtake the subscribe before it.
 *
 * Returns what attaches them to a socket. The two handlers are shared by every socket (they find
 * theirs in `this`), not closures made per socket: see bench/README.md, "Memory per idle connection".
 */
export function createSubscriptionHandlers({ maxRooms, subscribeRoom, follow }: SubscriptionHandlersDeps): (socket: GatewaySocket) => void {
  const inOrder = subscribeRoom !== undefined || follow !== undefined;
  function subscribe(this: GatewaySocket, ...args: unknown[]) {
    const [input, ack] = splitAckArgs<SubscriptionAck>(args);
    const parsed = parseSubscribeRequest(input);
    if (!parsed.ok) return ack(parsed);
    const { request } = parsed;
    if (subscribeRoom) return inTurn(this, () => joinAtPositions(this, request, subscribeRoom, ack));
    if (follow) return inTurn(this, () => joinFollowed(this, request, follow, ack));
    joinPlain(this, request, ack);
  }

  function unsubscribe(this: GatewaySocket, ...args: unknown[]) {
    const [input, ack] = splitAckArgs<SubscriptionAck>(args);
    const parsed = parseRoomList(input);
    if (!parsed.ok) return ack(parsed);
    const fixed = serverRooms(this);
    const kept = parsed.rooms.find((room) => fixed.includes(room));
    if (kept !== undefined) return ack(forbidden(`${JSON.stringify(kept)} is joined by the server for the whole connection`));
    const leave = () => {
      for (const room of parsed.rooms) void this.leave(room);
      ack({ ok: true, rooms: parsed.rooms });
    };
    if (inOrder) inTurn(this, async () => leave());
    else leave();
  }

  function joinPlain(socket: GatewaySocket, request: SubscribeRequest, ack: Ack) {
    const refused = refusal(socket, request.rooms);
    if (refused) return ack(refused);
    void socket.join(request.rooms.filter((room) => !socket.rooms.has(room)));
    // Without history there is nothing to resume from: every position given is not recovered.
    ack({ ok: true, rooms: request.rooms, ...(request.since ? { recovered: notRecovered(request.since) } : {}) });
  }

  async function joinFollowed(socket: GatewaySocket, request: SubscribeRequest, follow: (room: string) => Promise<void>, ack: Ack) {
    const refused = refusal(socket, request.rooms);
    if (refused) return ack(refused);
    try {
      await Promise.all(request.rooms.filter((room) => !socket.rooms.has(room)).map(follow));
    } catch {
      return ack(failure("unavailable", "the rooms' channels are out of reach right now; retry"));
    }
    if (socket.connected) joinPlain(socket, request, ack);
  }

  /** Checked when the request's turn comes, against the rooms the socket is in by then. */
  function refusal(socket: GatewaySocket, rooms: string[]): Failure | undefined {
    const fixed = serverRooms(socket);
    const { mayRead } = socket.data.identity;
    for (const room of rooms) {
      // A socket's own id-room carries messages addressed to it alone; it is not a subscription.
      if (room === socket.id) return forbidden("a socket's own id is not a room to subscribe to");
      if (!fixed.includes(room) && !mayRead(room)) return forbidden(`not granted: ${JSON.stringify(room)}`);
    }
    const added = rooms.filter((room) => !socket.rooms.has(room));
    const subscribed = socket.rooms.size - fixed.filter((room) => socket.rooms.has(room)).length;
    if (subscribed + added.length > maxRooms) {
      return failure("too_many_rooms", `at most ${maxRooms} rooms per connection; unsubscribe from some first`);
    }
    return undefined;
  }

  async function joinAtPositions(socket: GatewaySocket, request: SubscribeRequest, join: RoomSubscriber, ack: Ack) {
    const refused = refusal(socket, request.rooms);
    if (refused) return ack(refused);
    const positions: Record<string, RoomPositionWire> = {};
    const recovered: Record<string, boolean> = {};
    const added = request.rooms.filter((room) => !socket.rooms.has(room));
    try {
      await Promise.all(
        request.rooms.map(async (room) => {
          const since = request.since?.[room];
          const joined = await join(socket, room, since);
          positions[room] = joined.position;
          if (since) recovered[room] = joined.recovered ?? true;
        }),
      );
    } catch {
      // All or nothing: rooms this request joined before another failed are left again.
      for (const room of added) void socket.leave(room);
      return ack(failure("unavailable", "room history is out of reach right now; retry"));
    }
    ack({ ok: true, rooms: request.rooms, positions, ...(request.since ? { recovered } : {}) });
  }

  return (socket) => {
    socket.on("subscribe", subscribe);
    socket.on("unsubscribe", unsubscribe);
  };
}

// Each socket's subscription requests still being handled, in order (with history only). Not in
// `socket.data`: the Admin UI's development mode wraps what is stored there in a Proxy, on which
// a promise's `then` throws.
const pending = new WeakMap<GatewaySocket, Promise<void>>();

/** Runs a socket's subscription requests one at a time, in arrival order. */
function inTurn(socket: GatewaySocket, task: () => Promise<void>) {
  const previous = pending.get(socket) ?? Promise.resolve();
  const current = previous.then(task).catch(() => {});
  pending.set(socket, current);
  void current.then(() => {
    // Forget the chain once idle, so an idle socket holds no promise.
    if (pending.get(socket) === current) pending.delete(socket);
  });
}

function notRecovered(since: Record<string, unknown>): Record<string, boolean> {
  return Object.fromEntries(Object.keys(since).map((room) => [room, false]));
}

// Rooms the server joined (the id-room, `user:<sub>`): neither counted nor left on request.
function serverRooms(socket: GatewaySocket): string[] {
  const { sub } = socket.data.identity;
  return sub === undefined ? [socket.id] : [socket.id, userRoom(sub)];
}

const forbidden = (message: string) => failure("forbidden", message);

function failure(code: Failure["error"]["code"], message: string): Failure {
  return { ok: false, error: { code, message } };
}
