import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Redis } from "ioredis";
import { freePort } from "./free-port.js";
import { waitUntil } from "./wait-until.js";

export interface TlsRedisServer {
  port: number;
  /** `rediss://:<password>@127.0.0.1:<port>`, the password percent-encoded as docs/security.md asks. */
  url: string;
  /** The throwaway CA that signed the server's certificate, for NODE_EXTRA_CA_CERTS. */
  caFile: string;
  /** Kills the server and deletes the certificates and keys. */
  stop(): Promise<void>;
}

/**
 * Writes a throwaway CA and a server certificate it signed (valid for 127.0.0.1 and localhost)
 * into `dir`. EC keys: they take milliseconds to make, where RSA takes a noticeable fraction of a second.
 */
export function makeCertificates(dir: string): { caFile: string; certFile: string; keyFile: string } {
  const file = (name: string) => join(dir, name);
  const ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"];
  const openssl = (...args: string[]) => execFileSync("openssl", args, { stdio: ["ignore", "ignore", "pipe"] });
  openssl("req", "-x509", ...ec, "-keyout", file("ca.key"), "-out", file("ca.pem"), "-days", "1", "-subj", "/CN=socket-server test CA",
    "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign");
  openssl("req", ...ec, "-keyout", file("server.key"), "-out", file("server.csr"), "-subj", "/CN=127.0.0.1");
  // Node checks the address it dialled against subjectAltName, never the CN: both names a test may use are listed.
  writeFileSync(file("server.ext"), "subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n");
  openssl("x509", "-req", "-in", file("server.csr"), "-CA", file("ca.pem"), "-CAkey", file("ca.key"), "-set_serial", "1",
    "-days", "1", "-extfile", file("server.ext"), "-out", file("server.pem"));
  return { caFile: file("ca.pem"), certFile: file("server.pem"), keyFile: file("server.key") };
}

/**
 * A private `redis-server` that speaks only TLS (`--port 0` closes the plaintext port) and requires
 * `password`. Clients need not present a certificate: what is under test is that the services
 * verify the server's. Fails with a plain explanation when the binary was built without TLS.
 */
export async function startTlsRedisServer(password: string): Promise<TlsRedisServer> {
  const dir = mkdtempSync(join(tmpdir(), "redis-tls-"));
  let child: ChildProcess | undefined;
  const stop = async () => {
    const running = child;
    if (running && running.exitCode === null && running.signalCode === null) {
      const exited = new Promise((resolve) => running.once("exit", resolve));
      running.kill("SIGKILL");
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
  };

  try {
    const { caFile, certFile, keyFile } = makeCertificates(dir);
    const port = await freePort();
    child = spawn("redis-server", [
      "--port", "0", "--bind", "127.0.0.1", "--tls-port", String(port),
      "--tls-cert-file", certFile, "--tls-key-file", keyFile, "--tls-ca-cert-file", caFile, "--tls-auth-clients", "no",
      "--requirepass", password, "--save", "", "--appendonly", "no",
    ], { stdio: ["ignore", "pipe", "pipe"] });
    let log = "";
    child.stdout!.on("data", (chunk) => (log += chunk));
    child.stderr!.on("data", (chunk) => (log += chunk));

    // The probe trusts exactly this CA and nothing else, so a PONG means TLS works end to end.
    const probe = new Redis({ host: "127.0.0.1", port, password, tls: { ca: readFileSync(caFile) }, lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    probe.on("error", () => {});
    let answered = false;
    try {
      await waitUntil(async () => {
        if (child!.exitCode !== null) return true;
        if (probe.status !== "ready") await probe.connect().catch(() => {});
        answered = (await probe.ping()) === "PONG";
        return answered;
      }, { timeoutMs: 5000, what: `a TLS PONG from redis-server on port ${port}` });
    } catch {
      // explained below
    } finally {
      probe.disconnect();
    }
    if (!answered) {
      throw new Error(
        "This machine's redis-server cannot serve TLS: it exited or never answered a PING over TLS. It must be " +
          "built with BUILD_TLS=yes (Debian/Ubuntu's and Homebrew's packages are). redis-server said:\n" + log,
      );
    }
    return { port, url: `rediss://:${encodeURIComponent(password)}@127.0.0.1:${port}`, caFile, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
