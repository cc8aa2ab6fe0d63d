import { connect, type Socket } from "node:net";

export interface SlowlorisResult {
  /** Milliseconds from opening to the server closing it, per connection; undefined = still open. */
  closedAfterMs: Array<number | undefined>;
  /** How many connections were answered 408 before being closed. */
  answered408: number;
}

/**
 * Opens `count` connections that start a request and then send one header line every
 * `trickleMs`, never finishing (every fifth one sends nothing at all), and waits up to
 * `waitMs` for the server to close them.
 */
export async function slowloris(port: number, { count = 200, trickleMs = 200, waitMs = 5000 } = {}): Promise<SlowlorisResult> {
  const started = performance.now();
  const closedAfterMs: Array<number | undefined> = new Array(count).fill(undefined);
  let answered408 = 0;
  const sockets: Socket[] = [];
  const closed = Array.from({ length: count }, (_, index) =>
    new Promise<void>((resolve) => {
      const silent = index % 5 === 0;
      const socket = connect(port, "127.0.0.1");
      sockets.push(socket);
      let timer: NodeJS.Timeout | undefined;
      socket.on("connect", () => {
        if (silent) return;
        socket.write("POST /v1/publish HTTP/1.1\r\nHost: 127.0.0.1\r\n");
        let line = 0;
        timer = setInterval(() => socket.write(`X-Slow-${line++}: ${"a".repeat(10)}\r\n`), trickleMs);
      });
      socket.on("data", (chunk) => {
        if (chunk.toString("latin1").startsWith("HTTP/1.1 408")) answered408++;
      });
      socket.on("error", () => {});
      socket.on("close", () => {
        clearInterval(timer);
        closedAfterMs[index] = performance.now() - started;
        resolve();
      });
    }),
  );
  const deadline = new Promise<void>((resolve) => setTimeout(resolve, waitMs));
  await Promise.race([Promise.all(closed), deadline]);
  for (const socket of sockets) socket.destroy();
  return { closedAfterMs, answered408 };
}
