import { describe, expectTypeOf, it } from "vitest";
import type * as Gateway from "@socket-server/shared/events";
import type * as Client from "./wire.js";

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
