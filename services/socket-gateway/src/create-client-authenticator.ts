import { UnauthorizedError, type ClientIdentity } from "./client-identity.js";
import { createRoomMatcher } from "@socket-server/shared/events";
import type { TokenVerifier } from "./create-token-verifier.js";

export interface ClientAuthenticatorOptions {
  /** Absent when no verification method is configured: then only anonymous clients exist. */
  verifyToken: TokenVerifier | undefined;
  /** Grants of clients without a token; absent = anonymous clients refused. */
  anonymousRooms: readonly string[] | undefined;
}

export type ClientAuthenticator = (auth: unknown) => Promise<ClientIdentity>;

/** Turns a handshake's `auth` payload into an identity, or throws UnauthorizedError. */
export function createClientAuthenticator(options: ClientAuthenticatorOptions): ClientAuthenticator {
  const { verifyToken, anonymousRooms } = options;
  const anonymous: ClientIdentity | undefined = anonymousRooms && {
    sub: undefined,
    expiresAt: undefined,
    mayRead: createRoomMatcher(anonymousRooms),
  };
  return async (auth) => {
    const token = typeof auth === "object" && auth !== null ? (auth as { token?: unknown }).token : undefined;
    // A token that is present but bad is refused even where anonymous clients are welcome:
    // silently downgrading would hide the integrator's bug.
    if (token === undefined || token === null) {
      if (anonymous) return anonymous;
      throw new UnauthorizedError("missing auth.token");
    }
    if (!verifyToken) throw new UnauthorizedError("this server accepts no tokens; connect without one");
    return verifyToken(token);
  };
}
