import { spawnSync } from "node:child_process";
import { createServer } from "node:http";
import { networkInterfaces } from "node:os";
import { fileURLToPath } from "node:url";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { startService, type ServiceProcess } from "../../../test/support/service-process.js";

/**
 * A local address other than 127.0.0.1 that reaches this machine: what another machine on the
 * network stands in for. On Linux all of 127/8 is loopback, so a 0.0.0.0 listener answers on
 * 127.0.0.2 and a 127.0.0.1 listener does not; elsewhere, an interface's own IPv4 address.
 */
async function otherLocalAddress(): Promise<string> {
  const interfaces = Object.values(networkInterfaces()).flat();
  const candidates = ["127.0.0.2", ...interfaces.filter((item) => item && item.family === "IPv4" && !item.internal).map((item) => item!.address)];
  const server = createServer((_request, response) => response.end("ok"));
  await new Promise<void>((resolve) => server.listen(0, "0.0.0.0", resolve));
  const { port } = server.address() as { port: number };
  try {
    for (const address of candidates) {
      if ((await probe(address, port).catch(() => "unusable")) === "answers") return address;
    }
  } finally {
    server.close();
  }
  throw new Error(`no local address other than 127.0.0.1 reaches a 0.0.0.0 listener (tried ${candidates.join(", ")})`);
}

/** Whether an HTTP request to address:port is answered, or refused for want of a listener there. */
function probe(address: string, port: number): Promise<"answers" | "refused"> {
  return fetch(`http://${address}:${port}/health`, { signal: AbortSignal.timeout(2000) }).then(
    (response) => {
      if (!response.ok) throw new Error(`${address}:${port} answered ${response.status}`);
      return "answers";
    },
    (error: Error & { cause?: { code?: string } }) => {
      // Anything but a refusal (a timeout, a reset) is no proof that nothing listens there.
      if (error.cause?.code === "ECONNREFUSED") return "refused";
      throw error;
    },
  );
}

describe("where the gateway listens", () => {
  let other: string;
  let service: ServiceProcess | undefined;

  beforeAll(async () => {
    other = await otherLocalAddress();
  });
  afterEach(async () => {
    expect(await service?.stop()).toBe(0);
    service = undefined;
  });

  it("keeps the root npm start (development mode) on 127.0.0.1 when HOST is unset, and says so at boot", async () => {
    service = await startService("root", { HOST: undefined, LOG_LEVEL: "info" });
    expect((await fetch(`http://127.0.0.1:${service.port}/health`)).ok).toBe(true);
    expect(await probe(other, service.port)).toBe("refused");
    expect(service.output()).toContain(`socket-gateway listening on http://127.0.0.1:${service.port}`);
    expect(service.output()).toContain(`DEV_MODE: listening on http://127.0.0.1:${service.port}, reachable from this machine only; set HOST=0.0.0.0`);
  });

  it("opens the root npm start to other machines with HOST=0.0.0.0, warning about it", async () => {
    service = await startService("root", { HOST: "0.0.0.0" });
    expect((await fetch(`http://${other}:${service.port}/health`)).ok).toBe(true);
    expect(service.output()).toContain(`DEV_MODE: listening on http://0.0.0.0:${service.port} as HOST says, so other machines can reach`);
  });

  it("keeps 0.0.0.0 as the default outside development mode", async () => {
    service = await startService("socket-gateway", { HOST: undefined, ALLOW_ANONYMOUS: "true" });
    expect((await fetch(`http://${other}:${service.port}/health`)).ok).toBe(true);
  });
});

describe("a bad environment at the root npm start", () => {
  it("prints every problem once, without npm's lifecycle noise", async () => {
    const root = fileURLToPath(new URL("../../..", import.meta.url));
    const run = spawnSync("npm", ["start"], {
      cwd: root,
      env: { ...process.env, MAX_CONNECTIONS: "lots", SLOW_CONSUMER_MAX_BYTES: "-1" },
      encoding: "utf8",
      timeout: 20_000,
    });
    const output = run.stdout + run.stderr;
    expect(output.match(/invalid environment/g)).toHaveLength(1);
    expect(output).toContain("MAX_CONNECTIONS");
    expect(output).toContain("SLOW_CONSUMER_MAX_BYTES");
    expect(output).not.toContain("npm error");
    // The gateway said what is wrong; the wrapper's exit status would only add npm's screen of errors.
    expect(run.status).toBe(0);
  });
});
