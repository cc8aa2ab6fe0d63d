import type { GatewaySocket } from "./gateway-socket.js";

export interface ClientEventLimit {
  perSecond: number;
  /** Called once when a client keeps sending at twice its allowance: it is a flood, not a burst. */
  onFlood: (socket: GatewaySocket) => void;
  /** Called for an event whose name is not a string (the parser lets numbers through). */
  onViolation: (socket: GatewaySocket) => void;
  now?: () => number;
}

const KNOWN_EVENTS = new Set(["subscribe", "unsubscribe", "auth:refresh"]);
const noReply = () => {};

interface EventWindow {
  start: number;
  count: number;
}

/**
 * Every event a client sends counts against a one-second window. Over the allowance an event
 * is answered `rate_limited` and dropped; at twice the allowance the client is cut off. Events
 * the gateway does not know are answered `invalid_request` (and counted too).
 *
 * Returns what attaches the limit to a socket. One middleware function serves every socket
 * (bound to it, as Socket.IO hands a middleware no socket), and a socket's window exists from
 * its first event on: most sockets send one or two events in their life. A closure with its own
 * counters per socket, plus the two callbacks made for it, would stay on every idle connection
 * for its life (bench/README.md, "Memory per idle connection").
 */
export function createClientEventLimit(limit: ClientEventLimit): (socket: GatewaySocket) => void {
  const { perSecond, onFlood, onViolation, now = Date.now } = limit;
  const windows = new WeakMap<GatewaySocket, EventWindow>();

  function check(this: GatewaySocket, packet: unknown[], next: (error?: Error) => void) {
    if (typeof packet[0] !== "string") return onViolation(this);
    const at = now();
    let window = windows.get(this);
    if (!window) windows.set(this, (window = { start: at, count: 0 }));
    if (at - window.start >= 1000) {
      window.start = at;
      window.count = 0;
    }
    const count = ++window.count;
    const ack = packet[packet.length - 1];
    const reply = typeof ack === "function" ? (ack as (result: unknown) => void) : noReply;
    if (count > 2 * perSecond) {
      if (count === 2 * perSecond + 1) onFlood(this);
      return;
    }
    if (count > perSecond) {
      const retryAfterMs = Math.max(1, 1000 - (at - window.start));
      return reply({ ok: false, error: { code: "rate_limited", message: `at most ${perSecond} events per second`, retryAfterMs } });
    }
    if (!KNOWN_EVENTS.has(packet[0])) {
      return reply({ ok: false, error: { code: "invalid_request", message: "unknown event; send subscribe, unsubscribe or auth:refresh" } });
    }
    next();
  }

  return (socket) => {
    socket.use(check.bind(socket));
  };
}
