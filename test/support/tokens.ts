import { generateKeyPairSync } from "node:crypto";
import { SignJWT } from "jose";

/** The HS256 secret test gateways are started with (JWT_SECRET). */
export const TEST_JWT_SECRET = "test-secret-that-is-at-least-32-characters-long";

export interface TokenClaims {
  sub?: string;
  rooms?: string[];
  /** Seconds from now; negative for an expired token; null for no `exp` claim. */
  expiresInSeconds?: number | null;
  issuer?: string;
  audience?: string;
  /** Anything else to put in the payload. */
  extra?: Record<string, unknown>;
}

/** A client token as the application's backend would mint it. */
export function mintToken(claims: TokenClaims = {}, secret: string = TEST_JWT_SECRET): Promise<string> {
  return sign(claims).setProtectedHeader({ alg: "HS256" }).sign(new TextEncoder().encode(secret));
}

/** The same, signed with an asymmetric private key (RS256 or ES256). */
export function mintTokenWithKey(claims: TokenClaims, privateKey: Parameters<SignJWT["sign"]>[0], alg: "RS256" | "ES256", kid?: string): Promise<string> {
  return sign(claims).setProtectedHeader({ alg, ...(kid ? { kid } : {}) }).sign(privateKey);
}

function sign({ sub = "user-1", rooms, expiresInSeconds = 300, issuer, audience, extra = {} }: TokenClaims): SignJWT {
  const payload: Record<string, unknown> = { ...extra };
  if (rooms !== undefined) payload.rooms = rooms;
  const jwt = new SignJWT(payload).setIssuedAt();
  if (expiresInSeconds !== null) jwt.setExpirationTime(Math.floor(Date.now() / 1000) + expiresInSeconds);
  if (sub !== "") jwt.setSubject(sub);
  if (issuer !== undefined) jwt.setIssuer(issuer);
  if (audience !== undefined) jwt.setAudience(audience);
  return jwt;
}

/** An RSA key pair with its public half as PEM, for JWT_PUBLIC_KEY. */
export function rsaKeyPair() {
  const { publicKey, privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  return { privateKey, publicKey, publicPem: publicKey.export({ type: "spki", format: "pem" }).toString() };
}

/** An unsigned token (`alg: none`), which no gateway may accept. */
export function unsignedToken(claims: Record<string, unknown>): string {
  const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");
  return `${encode({ alg: "none", typ: "JWT" })}.${encode(claims)}.`;
}

/**
 * For tests about something other than client auth: a gateway that admits clients without a
 * token to every room. Production gateways refuse to boot without a token setting.
 */
export const ANONYMOUS_GATEWAY_ENV = { ALLOW_ANONYMOUS: "true", ANONYMOUS_ROOMS: "*" } as const;
