import { randomUUID } from "node:crypto";

/**
 * The HTTP side both baselines share, shaped like socket-server's own so the same publisher
 * drives all three servers: `POST /v1/publish {room|rooms, event, data}` answers 202, and each
 * room gets `(event, data, {id, room, ts})`. No auth, no schema: baselines do the least work.
 * `/health` for start-up, `/stats` for heap figures the bench cannot read from /proc.
 */
export function createPublishRoute(broadcast) {
  return (req, res) => {
    if (req.method === "GET" && req.url === "/health") return reply(res, 200, { status: "ok" });
    if (req.method === "GET" && req.url === "/stats") return reply(res, 200, process.memoryUsage());
    if (req.method !== "POST" || req.url !== "/v1/publish") return reply(res, 404, { error: { code: "not_found" } });
    const chunks = [];
    req.on("data", (chunk) => chunks.push(chunk));
    req.on("end", () => {
      let body;
      try {
        body = JSON.parse(Buffer.concat(chunks).toString());
      } catch {
        return reply(res, 400, { error: { code: "invalid_request" } });
      }
      const rooms = body.rooms ?? [body.room];
      const id = randomUUID();
      const ts = Date.now();
      for (const room of rooms) broadcast(room, body.event, body.data, { id, room, ts });
      reply(res, 202, { id, rooms });
    });
  };
}

/** A JSON answer with its length, as every baseline route answers. */
export function reply(res, status, body) {
  const text = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text) });
  res.end(text);
}
