import { generateKeyPairSync } from "node:crypto";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { exportJWK } from "jose";
import { afterAll, describe, expect, it } from "vitest";
import { mintToken, mintTokenWithKey, rsaKeyPair, TEST_JWT_SECRET, unsignedToken } from "../../../test/support/tokens.js";
import { UnauthorizedError } from "./client-identity.js";
import { createTokenVerifier } from "./create-token-verifier.js";

const reason = (promise: Promise<unknown>) =>
  promise.then(
    () => "accepted",
    (error: unknown) => (error instanceof UnauthorizedError ? error.message : `unexpected ${String(error)}`),
  );

describe("createTokenVerifier", () => {
  const hs = createTokenVerifier({ key: { kind: "secret", secret: TEST_JWT_SECRET } });

  it("returns the subject, expiry in ms and a matcher over the rooms claim", async () => {
    const identity = await hs(await mintToken({ sub: "alice", rooms: ["orders:42", "tenant-a:*"], expiresInSeconds: 60 }));
    expect(identity.sub).toBe("alice");
    expect(identity.expiresAt! - Date.now()).toBeGreaterThan(55_000);
    expect(["orders:42", "tenant-a:x", "orders:4", "tenant-b:x"].map(identity.mayRead)).toEqual([true, true, false, false]);
  });

  it("treats a token without a rooms claim as granting no room", async () => {
    expect((await hs(await mintToken({ sub: "alice" }))).mayRead("anything")).toBe(false);
  });

  it.each([
    ["an alg: none token", async () => unsignedToken({ sub: "m", exp: Math.floor(Date.now() / 1000) + 60 }), "token algorithm not allowed"],
    ["an expired token", () => mintToken({ expiresInSeconds: -1 }), "token expired"],
    ["a token without exp", () => mintToken({ expiresInSeconds: null }), "token claim exp is missing or wrong"],
    ["a sub outside the room alphabet", () => mintToken({ sub: "a b" }), "sub claim must be 1 to 123 of A-Z a-z 0-9 _ - : . @ ="],
    ["a rooms claim with a bad grant", () => mintToken({ rooms: ["ok", "not ok"] }), "rooms claim must be a list of room names or prefixes ending in *"],
  ])("refuses %s", async (_name, token, expected) => {
    expect(await reason(hs(await token()))).toBe(expected);
  });

  it("checks issuer and audience when configured", async () => {
    const strict = createTokenVerifier({ key: { kind: "secret", secret: TEST_JWT_SECRET }, issuer: "https://a", audience: "gw" });
    expect(await reason(strict(await mintToken({ issuer: "https://a", audience: "gw" })))).toBe("accepted");
    expect(await reason(strict(await mintToken({ issuer: "https://b", audience: "gw" })))).toBe("token claim iss is missing or wrong");
    expect(await reason(strict(await mintToken({ issuer: "https://a", audience: "other" })))).toBe("token claim aud is missing or wrong");
  });

  it("verifies ES256 with an EC public key and refuses an HS256 token keyed with that PEM", async () => {
    const { publicKey, privateKey } = generateKeyPairSync("ec", { namedCurve: "prime256v1" });
    const pem = publicKey.export({ type: "spki", format: "pem" }).toString();
    const es = createTokenVerifier({ key: { kind: "public-key", pem } });
    expect(await reason(es(await mintTokenWithKey({ sub: "alice" }, privateKey, "ES256")))).toBe("accepted");
    expect(await reason(es(await mintToken({ sub: "mallory" }, pem)))).toBe("token algorithm not allowed");
  });

  describe("with a JWKS endpoint", () => {
    const keys = rsaKeyPair();
    const server = createServer(async (_request, response) => {
      const jwk = { ...(await exportJWK(keys.publicKey)), kid: "k1", alg: "RS256", use: "sig" };
      response.setHeader("content-type", "application/json").end(JSON.stringify({ keys: [jwk] }));
    });
    const listening = new Promise<string>((resolve) =>
      server.listen(0, "127.0.0.1", () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}/jwks.json`)),
    );
    afterAll(() => new Promise((resolve) => server.close(resolve)));

    it("accepts a token signed by a key in the set and refuses one signed by another", async () => {
      const verify = createTokenVerifier({ key: { kind: "jwks", url: await listening } });
      expect(await reason(verify(await mintTokenWithKey({ sub: "alice" }, keys.privateKey, "RS256", "k1")))).toBe("accepted");
      const stranger = rsaKeyPair();
      expect(await reason(verify(await mintTokenWithKey({ sub: "m" }, stranger.privateKey, "RS256", "k1")))).toBe("token signature invalid");
      expect(await reason(verify(await mintToken({ sub: "m" })))).toBe("token algorithm not allowed");
    });
  });
});
