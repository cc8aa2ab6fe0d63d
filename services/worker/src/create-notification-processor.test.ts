import { UnrecoverableError, type Job } from "bullmq";
import { describe, expect, it } from "vitest";
import { createPublisher, PublishUnavailableError, type RoomDelivery } from "@socket-server/shared/publishing";
import { createNotificationProcessor } from "./create-notification-processor.js";

const job = (data: unknown) => ({ data }) as Job<unknown>;
const valid = { id: "pub-1", acceptedAt: 1000, rooms: ["a", "b"], event: "order.updated", data: { ok: true }, except: [] };

describe("createNotificationProcessor", () => {
  it("publishes a job with its original id and acceptance time", async () => {
    const emitted: RoomDelivery[] = [];
    const process = createNotificationProcessor(createPublisher({ emitter: { emit: async (d) => void emitted.push(...d) } }));
    await expect(process(job(valid))).resolves.toEqual({ id: "pub-1" });
    expect(emitted.map((copy) => copy.meta)).toEqual([
      { id: "pub-1", room: "a", ts: 1000 },
      { id: "pub-1", room: "b", ts: 1000 },
    ]);
  });

  it("fails invalid job data without retries", async () => {
    const process = createNotificationProcessor(createPublisher({ emitter: { emit: async () => {} } }));
    await expect(process(job({ ...valid, rooms: ["bad room"] }))).rejects.toBeInstanceOf(UnrecoverableError);
    await expect(process(job("not an object"))).rejects.toBeInstanceOf(UnrecoverableError);
  });

  it("fails retriably when Redis did not take the publish", async () => {
    const process = createNotificationProcessor(
      createPublisher({ emitter: { emit: async () => Promise.reject(new PublishUnavailableError("down")) } }),
    );
    const failure = await process(job(valid)).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(PublishUnavailableError);
    expect(failure).not.toBeInstanceOf(UnrecoverableError);
  });
});
