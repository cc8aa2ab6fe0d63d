// @ts-check
import { SignJWT } from "jose";
import { isRoomPattern, MAX_ROOM_NAME_LENGTH, ROOM_NAME_RULE, roomCharactersPattern } from "@socket-server/shared/events";

// The gateway's rules (services/socket-gateway/src/config.ts and create-token-verifier.ts),
// checked here so that a token the gateway would refuse is never printed.
export const MIN_SECRET_LENGTH = 32;
// The gateway joins every token holder to `user:<sub>`, which must be a valid room name.
const MAX_SUB_LENGTH = MAX_ROOM_NAME_LENGTH - "user:".length;
const SUB_PATTERN = roomCharactersPattern(MAX_SUB_LENGTH);

/**
 * @typedef {object} ClientTokenClaims
 * @property {string} sub
 * @property {string[]} rooms room names or prefixes ending in `*`
 * @property {number} expiresInSeconds
 * @property {string} [issuer]
 * @property {string} [audience]
 */

/**
 * What is wrong with a token request, in one line each; empty when the gateway would accept it.
 * @param {string} secret
 * @param {ClientTokenClaims} claims
 * @returns {string[]}
 */
export function tokenProblems(secret, { sub, rooms }) {
  const problems = [];
  if (secret.length < MIN_SECRET_LENGTH) {
    problems.push(`JWT_SECRET is ${secret.length} characters; the gateway needs at least ${MIN_SECRET_LENGTH} (RFC 7518 §3.2)`);
  }
  if (!SUB_PATTERN.test(sub)) problems.push(`invalid sub ${JSON.stringify(sub)}: 1 to ${MAX_SUB_LENGTH} of A-Z a-z 0-9 _ - : . @ =`);
  const bad = rooms.find((room) => !isRoomPattern(room));
  if (bad !== undefined) {
    problems.push(`invalid room pattern ${JSON.stringify(bad)}: a room name (${ROOM_NAME_RULE}) or a prefix ending in * (orders:*)`);
  }
  return problems;
}

/**
 * An HS256 client token as the application's backend would mint it: `sub`, `rooms`, `iat`,
 * `exp`, and `iss`/`aud` when the gateway checks them (JWT_ISSUER, JWT_AUDIENCE).
 * @param {string} secret
 * @param {ClientTokenClaims} claims
 * @returns {Promise<string>}
 */
export function mintClientToken(secret, { sub, rooms, expiresInSeconds, issuer, audience }) {
  const now = Math.floor(Date.now() / 1000);
  const jwt = new SignJWT({ rooms }).setProtectedHeader({ alg: "HS256", typ: "JWT" }).setSubject(sub).setIssuedAt(now).setExpirationTime(now + expiresInSeconds);
  if (issuer) jwt.setIssuer(issuer);
  if (audience) jwt.setAudience(audience);
  return jwt.sign(new TextEncoder().encode(secret));
}
