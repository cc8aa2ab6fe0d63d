import type { RoomMatcher } from "@socket-server/shared/events";

/** Who a socket is and what it may read, decided once at the handshake (and again on refresh). */
export interface ClientIdentity {
  /** The token's subject; undefined for an anonymous client. */
  sub: string | undefined;
  /** When the token expires, in ms since the epoch; undefined for an anonymous client. */
  expiresAt: number | undefined;
  /** Whether the grants cover a room. */
  mayRead: RoomMatcher;
}

/** The room every token holder is joined to, so a backend can reach one user on all their devices. */
export const userRoom = (sub: string) => `user:${sub}`;

export class UnauthorizedError extends Error {
  readonly code = "unauthorized";
}
