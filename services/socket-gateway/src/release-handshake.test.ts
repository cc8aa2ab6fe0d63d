import { io as connect, type Socket as ClientSocket } from "socket.io-client";
import { afterEach, expect, it } from "vitest";
import { startInProcessGateway, type InProcessGateway } from "../../../test/support/in-process-gateway.js";
import { mintToken } from "../../../test/support/tokens.js";
import type { GatewaySocket } from "./gateway-socket.js";

let gateway: InProcessGateway | undefined;
let client: ClientSocket | undefined;
afterEach(async () => {
  client?.close();
  await gateway?.close();
});

it("keeps no token once connected, and the client keeps the identity and grants it carried", async () => {
  gateway = await startInProcessGateway();
  const token = await mintToken({ sub: "7", rooms: ["orders:*"] });
  client = connect(gateway.url, { transports: ["websocket"], reconnection: false, forceNew: true, auth: { token } });
  await new Promise((resolve, reject) => client!.once("connect", resolve).once("connect_error", reject));
  const socket = gateway.io.of("/").sockets.get(client.id!) as GatewaySocket;

  expect(JSON.stringify(socket.handshake)).not.toContain(token);
  expect(socket.handshake).toMatchObject({ auth: {}, headers: {}, query: {}, address: expect.stringContaining("127.0.0.1") });
  expect(socket.data.identity.sub).toBe("7");
  expect(await client.timeout(2000).emitWithAck("subscribe", ["orders:1"])).toEqual({ ok: true, rooms: ["orders:1"] });
  expect(await client.timeout(2000).emitWithAck("subscribe", ["invoices:1"])).toMatchObject({ ok: false, error: { code: "forbidden" } });
});
