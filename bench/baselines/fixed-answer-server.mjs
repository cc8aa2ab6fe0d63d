import { createServer } from "node:http";

/**
 * The least an HTTP server can do per request: read the body, answer 202 with a fixed body.
 * What a request costs here is what this machine charges for waking a process and moving
 * bytes through the kernel, before any work (`experiments/wakeup-cost.mjs`).
 */
createServer((req, res) => {
  req.resume();
  req.on("end", () => {
    res.writeHead(req.url === "/health" ? 200 : 202, { "content-type": "application/json", "content-length": 2 });
    res.end("{}");
  });
}).listen(Number(process.env.PORT), process.env.HOST ?? "127.0.0.1");
process.on("SIGTERM", () => process.exit(0));
