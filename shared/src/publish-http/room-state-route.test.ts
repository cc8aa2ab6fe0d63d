import { describe, expect, it } from "vitest";
import { KEY, publishAppFixture } from "./publish-app.fixture.js";
import { RoomStateUnavailableError, type ReadRoomState, type RoomState } from "./room-state.js";

const SCOPED_KEY = "orders-only-key";
const STATE: RoomState = {
  subscribers: 3,
  gateways: 2,
  complete: true,
  gatewaysAsked: 2,
  gatewaysAnswered: 2,
  history: { offset: 17, epoch: "e1", size: 5 },
};

function setup(roomState?: ReadRoomState) {
  const asked: string[] = [];
  const { app } = publishAppFixture({
    keys: [KEY, { key: SCOPED_KEY, rooms: ["orders:*"], signingSecret: undefined }],
    roomState: async (room) => {
      asked.push(room);
      return roomState ? roomState(room) : STATE;
    },
  });
  const get = (path: string, key: string | null = KEY) =>
    app.request(path, { headers: key === null ? {} : { authorization: `Bearer ${key}` } });
  return { get, asked };
}

describe("GET /v1/rooms/:room", () => {
  it("answers 200 with the room's subscribers, gateways and history as the service reads them", async () => {
    const { get, asked } = setup();
    const response = await get("/v1/rooms/orders:42");
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ room: "orders:42", ...STATE });
    expect(asked).toEqual(["orders:42"]);
  });

  it("reads a percent-encoded room name as the room it names", async () => {
    const { get, asked } = setup();
    expect((await get("/v1/rooms/orders%3A42%40eu")).status).toBe(200);
    expect(asked).toEqual(["orders:42@eu"]);
  });

  it("passes an incomplete reading and a null history through", async () => {
    const partial: RoomState = { ...STATE, subscribers: 1, gateways: 1, complete: false, gatewaysAnswered: 1, history: null };
    const { get } = setup(async () => partial);
    expect(await (await get("/v1/rooms/r")).json()).toEqual({ room: "r", ...partial });
  });

  it.each([
    ["a space", "/v1/rooms/not%20ok"],
    ["a slash", "/v1/rooms/a%2Fb"],
    ["129 characters", `/v1/rooms/${"r".repeat(129)}`],
  ])("answers 400 invalid_request naming `room` to a room name with %s, without reading it", async (_name, path) => {
    const { get, asked } = setup();
    const response = await get(path);
    expect(response.status).toBe(400);
    const body = (await response.json()) as { error: { code: string; message: string; issues: Array<{ path: string }> } };
    expect(body.error.code).toBe("invalid_request");
    expect(body.error.message).toMatch(/^room: invalid room name/);
    expect(body.error.issues.map((issue) => issue.path)).toEqual(["room"]);
    expect(asked).toEqual([]);
  });

  it("answers 401 without a key or with an unknown one", async () => {
    const { get, asked } = setup();
    expect((await get("/v1/rooms/orders:42", null)).status).toBe(401);
    expect((await get("/v1/rooms/orders:42", "nope")).status).toBe(401);
    expect(asked).toEqual([]);
  });

  it("lets a key scoped to orders:* read orders:42 and answers 403 forbidden for chat:1", async () => {
    const { get, asked } = setup();
    expect((await get("/v1/rooms/orders:42", SCOPED_KEY)).status).toBe(200);
    const refused = await get("/v1/rooms/chat:1", SCOPED_KEY);
    expect(refused.status).toBe(403);
    expect(await refused.json()).toMatchObject({ error: { code: "forbidden", issues: [{ path: "room" }] } });
    expect(asked).toEqual(["orders:42"]);
  });

  it("answers 503 with Retry-After when Redis cannot answer", async () => {
    const { get } = setup(async () => {
      throw new RoomStateUnavailableError("Redis did not answer: connection is closed");
    });
    const response = await get("/v1/rooms/orders:42");
    expect(response.status).toBe(503);
    expect(response.headers.get("retry-after")).toBe("1");
    expect(await response.json()).toMatchObject({ error: { code: "unavailable" } });
  });

  it("answers 500 internal, without details, on an unexpected failure", async () => {
    const { get } = setup(async () => {
      throw new TypeError("boom at secret/path.ts:1");
    });
    const response = await get("/v1/rooms/orders:42");
    expect(response.status).toBe(500);
    expect(await response.json()).toEqual({ error: { code: "internal", message: "internal error" } });
  });
});
