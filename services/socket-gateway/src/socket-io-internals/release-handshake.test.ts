import { afterEach, expect, it } from "vitest";
import { startInProcessGateway, type InProcessGateway } from "../in-process-gateway.fixture.js";
import { connectClient, type TestClient } from "../../../../test/support/socket-client.js";
import { mintToken } from "../../../../test/support/tokens.js";
import type { GatewaySocket } from "../gateway-socket.js";

let gateway: InProcessGateway | undefined;
let client: TestClient | undefined;
afterEach(async () => {
  client?.close();
  await gateway?.close();
});

it("keeps no token once connected, and the client keeps the identity and grants it carried", async () => {
  gateway = await startInProcessGateway();
  const token = await mintToken({ sub: "7", rooms: ["orders:*"] });
  client = await connectClient(gateway.url, { token });
  const socket = gateway.io.of("/").sockets.get(client.socket.id!) as GatewaySocket;

  expect(JSON.stringify(socket.handshake)).not.toContain(token);
  expect(socket.handshake.auth).toEqual({});
  expect(socket.handshake.headers).toEqual({});
  expect(socket.handshake.query).toEqual({});
  expect(socket.handshake.address).toContain("127.0.0.1");
  expect(socket.data.identity.sub).toBe("7");
  expect(await client.subscribe(["orders:1"])).toEqual({ ok: true, rooms: ["orders:1"] });
  expect(await client.subscribe(["invoices:1"])).toMatchObject({ ok: false, error: { code: "forbidden" } });
});
