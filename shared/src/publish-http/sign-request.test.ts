import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { signRequest } from "./sign-request.js";

/** The test vector as docs/security.md publishes it, so the page and the code cannot drift apart. */
function documentedVector() {
  const text = readFileSync(new URL("../../../docs/security.md", import.meta.url), "utf8");
  const field = (name: string) => {
    const match = new RegExp(`^\\| ${name} \\| \`(.*)\` \\|$`, "m").exec(text);
    if (!match) throw new Error(`docs/security.md has no test vector row "${name}"`);
    return match[1]!;
  };
  return { secret: field("secret"), timestamp: field("timestamp"), body: field("body"), signature: field("signature") };
}

describe("signRequest", () => {
  it("reproduces the test vector published in docs/security.md", () => {
    const { secret, timestamp, body, signature } = documentedVector();
    expect(signRequest(secret, timestamp, body)).toBe(signature);
  });

  it("signs bytes and their UTF-8 text alike", () => {
    const body = '{"data":"café ✓"}';
    expect(signRequest("s".repeat(16), "1", new TextEncoder().encode(body))).toBe(signRequest("s".repeat(16), "1", body));
  });
});
