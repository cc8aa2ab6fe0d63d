import type { TokenSource } from "./types.js";

type AuthCallback = (cb: (data: object) => void) => void;

export interface TokenAuthDeps {
  token: TokenSource | undefined;
  /** The token function failed: this attempt sends nothing. */
  onFailure: (error: unknown) => void;
  isClosed: () => boolean;
}

/**
 * socket.io-client's `auth` in its callback form, which it calls before every CONNECT packet,
 * reconnects included: a token function is asked again for each attempt, so an expired token
 * is replaced by a fresh one. Undefined without a token (anonymous gateways).
 */
export function createTokenAuth({ token, onFailure, isClosed }: TokenAuthDeps): AuthCallback | undefined {
  if (token === undefined) return undefined;
  return (cb) => {
    // Promise.resolve().then: a function that throws synchronously is caught like one that rejects.
    Promise.resolve()
      .then(() => (typeof token === "function" ? token() : token))
      .then(
        (value) => {
          if (!isClosed()) cb({ token: value });
        },
        (error: unknown) => {
          if (!isClosed()) onFailure(error);
        },
      );
  };
}
