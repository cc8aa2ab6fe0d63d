import { createPublicKey, type KeyObject } from "node:crypto";
import { createRemoteJWKSet, errors, jwtVerify, type JWTVerifyGetKey } from "jose";
import { UnauthorizedError, userRoom, type ClientIdentity } from "./client-identity.js";
import { createRoomMatcher, isRoomPattern, MAX_ROOM_NAME_LENGTH, roomCharactersPattern } from "@socket-server/shared/events";

export type TokenKey =
  | { kind: "secret"; secret: string }
  | { kind: "public-key"; pem: string }
  | { kind: "jwks"; url: string };

export interface TokenVerifierOptions {
  key: TokenKey;
  issuer?: string | undefined;
  audience?: string | undefined;
}

export type TokenVerifier = (token: unknown) => Promise<ClientIdentity>;

// Sub claims end up in a room name (`user:<sub>`), so they obey the room alphabet.
const MAX_SUB_LENGTH = MAX_ROOM_NAME_LENGTH - userRoom("").length;
const SUB_PATTERN = roomCharactersPattern(MAX_SUB_LENGTH);

/**
 * Verifies a client's JWT with an explicit algorithm list for the configured key, so neither
 * `alg: none` nor an HS256 token signed with a public key can pass. `sub` and `exp` are required;
 * the `rooms` claim is a list of grants.
 */
export function createTokenVerifier(options: TokenVerifierOptions): TokenVerifier {
  const { key, algorithms } = keyOf(options.key);
  const verifyOptions = {
    algorithms,
    requiredClaims: ["sub", "exp"],
    ...(options.issuer === undefined ? {} : { issuer: options.issuer }),
    ...(options.audience === undefined ? {} : { audience: options.audience }),
  };

  return async (token) => {
    if (typeof token !== "string" || token.length === 0) throw new UnauthorizedError("missing auth.token");
    let payload;
    try {
      ({ payload } = await jwtVerify(token, key as never, verifyOptions));
    } catch (error) {
      throw new UnauthorizedError(describe(error));
    }
    const { sub, exp, rooms = [] } = payload as { sub?: unknown; exp?: unknown; rooms?: unknown };
    if (typeof sub !== "string" || !SUB_PATTERN.test(sub)) {
      throw new UnauthorizedError(`sub claim must be 1 to ${MAX_SUB_LENGTH} of A-Z a-z 0-9 _ - : . @ =`);
    }
    if (!Array.isArray(rooms) || !rooms.every(isRoomPattern)) {
      throw new UnauthorizedError("rooms claim must be a list of room names or prefixes ending in *");
    }
    return { sub, expiresAt: (exp as number) * 1000, mayRead: createRoomMatcher(rooms) };
  };
}

function keyOf(key: TokenKey): { key: Uint8Array | KeyObject | JWTVerifyGetKey; algorithms: string[] } {
  switch (key.kind) {
    case "secret":
      return { key: new TextEncoder().encode(key.secret), algorithms: ["HS256"] };
    case "public-key": {
      const publicKey = createPublicKey(key.pem);
      return { key: publicKey, algorithms: publicKey.asymmetricKeyType === "rsa" ? ["RS256"] : ["ES256"] };
    }
    case "jwks":
      // jose caches the set and refetches it (rate limited) when a token names an unknown `kid`.
      return { key: createRemoteJWKSet(new URL(key.url)), algorithms: ["RS256", "ES256"] };
  }
}

/** A reason a client developer can act on, without echoing anything the token said. */
function describe(error: unknown): string {
  if (error instanceof errors.JWTExpired) return "token expired";
  if (error instanceof errors.JWTClaimValidationFailed) return `token claim ${error.claim} is missing or wrong`;
  if (error instanceof errors.JOSEAlgNotAllowed) return "token algorithm not allowed";
  if (error instanceof errors.JWSSignatureVerificationFailed) return "token signature invalid";
  if (error instanceof errors.JWKSNoMatchingKey) return "no key matches the token";
  return "token invalid";
}
