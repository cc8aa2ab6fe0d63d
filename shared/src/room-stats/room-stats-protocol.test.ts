import { describe, expect, it } from "vitest";
import {
  encodeRoomStatsReply,
  encodeRoomStatsRequest,
  parseRoomStatsReply,
  parseRoomStatsRequest,
  roomStatsReplyChannel,
} from "./room-stats-protocol.js";

const PREFIX = "deploy";
const request = { id: "abc-1", room: "orders:42", replyTo: roomStatsReplyChannel(PREFIX, "api_1") };

describe("room-stats requests", () => {
  it("reads back what publish-api encodes", () => {
    expect(parseRoomStatsRequest(encodeRoomStatsRequest(request), PREFIX)).toEqual(request);
  });

  it.each([
    ["a reply channel outside this deployment's reply channels", { ...request, replyTo: "deploy#/#" }],
    ["another deployment's reply channel", { ...request, replyTo: roomStatsReplyChannel("other", "api_1") }],
    ["a reply channel with more after the instance", { ...request, replyTo: `${request.replyTo}:x` }],
    ["an invalid room name", { ...request, room: "not ok" }],
    ["a missing id", { room: request.room, replyTo: request.replyTo }],
  ])("ignores a request with %s", (_name, forged) => {
    expect(parseRoomStatsRequest(JSON.stringify(forged), PREFIX)).toBeUndefined();
  });

  it("ignores what is not a JSON object, and anything over 1 KB", () => {
    for (const message of ["", "nope", "[1]", "null", JSON.stringify({ ...request, pad: "x".repeat(1024) })]) {
      expect(parseRoomStatsRequest(message, PREFIX)).toBeUndefined();
    }
  });
});

describe("room-stats replies", () => {
  it("reads back what a gateway encodes", () => {
    const reply = { id: "abc-1", gateway: "gw_1", subscribers: 7 };
    expect(parseRoomStatsReply(encodeRoomStatsReply(reply))).toEqual(reply);
  });

  it.each([-1, 1.5, "3", null])("ignores a reply whose count is %s", (subscribers) => {
    expect(parseRoomStatsReply(JSON.stringify({ id: "abc-1", gateway: "gw_1", subscribers }))).toBeUndefined();
  });
});
