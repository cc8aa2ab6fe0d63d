import { describe, expect, expectTypeOf, it } from "vitest";
import { ROOM_NAME_PATTERN } from "@socket-server/shared/events";
import type * as Gateway from "@socket-server/shared/events";
import type * as Client from "./wire.js";
import { isRoomName, transportRefusal } from "./wire.js";

// Checked by `tsc -p tsconfig.check.json` (npm test runs it): the package keeps its own copy of
// the wire types so its .d.ts needs nothing else, and this fails when the two drift apart.
describe("the client's wire types", () => {
  it("match the gateway's", () => {
    expectTypeOf<Gateway.DeliveryMeta>().toEqualTypeOf<Client.DeliveryMeta>();
    expectTypeOf<Gateway.RoomPositionWire>().toEqualTypeOf<Client.RoomPosition>();
    expectTypeOf<Gateway.AckErrorCode>().toEqualTypeOf<Client.AckErrorCode>();
    expectTypeOf<Gateway.HandshakeRefusal["code"]>().toEqualTypeOf<Client.RefusalCode>();
    expectTypeOf<Gateway.SubscriptionAck>().toExtend<Client.SubscribeAck>();
    expectTypeOf<Client.SubscribeRequest>().toExtend<Gateway.SubscribeArgument>();
  });
});

describe("isRoomName", () => {
  it("accepts exactly the names the gateway accepts", () => {
    const samples = ["orders:42", "user:7", "a", "x".repeat(128), "x".repeat(129), "", "bad room", "é", "a/b", "a@b=c.d_e-f", "*", "orders:*"];
    for (const name of samples) expect(isRoomName(name), name).toBe(ROOM_NAME_PATTERN.test(name));
  });
});

describe("transportRefusal", () => {
  const polling = (status: number, body: string) => Object.assign(new Error("xhr poll error"), { description: status, context: { responseText: body } });

  it("reads the gateway's reason from a refused long-polling handshake", () => {
    const body = JSON.stringify({ error: { code: "server_draining", message: "shutting down", retryable: true, retryAfterMs: 1000 } });
    expect(transportRefusal(polling(503, body))).toEqual({ code: "server_draining", message: "shutting down", retryable: true, retryAfterMs: 1000 });
  });

  it("knows a 429 by its status alone, as a WebSocket refusal in Node reports it", () => {
    const error = Object.assign(new Error("websocket error"), { description: new Error("Unexpected server response: 429") });
    expect(transportRefusal(error)).toEqual({ code: "rate_limited", retryable: true });
  });

  it("finds nothing in other failures", () => {
    expect(transportRefusal(polling(0, ""))).toBeUndefined();
    expect(transportRefusal(polling(502, "<html>bad gateway</html>"))).toBeUndefined();
    expect(transportRefusal(Object.assign(new Error("websocket error"), { description: new Error("Unexpected server response: 503") }))).toBeUndefined();
  });
});
