import { BENCH_EVENT } from "./payload.mjs";
import { PUBLISH_KEY } from "./servers.mjs";

/**
 * Open-loop POST /v1/publish batches at `rate` messages/s: every `tickMs` the messages that
 * tick is due, in batches of up to 100, one room each, rooms in turn. A batch counts as
 * accepted when answered 202; the counters are read at window edges, not per step.
 */
export function startBatchPublisher({ url, rate, rooms, tickMs = 50 }) {
  const counters = { offered: 0, accepted: 0, refused: 0, failed: 0 };
  const samples = [];
  let seq = 0;
  let due = 0;
  const started = performance.now();
  const send = (messages) => {
    counters.offered += messages.length;
    fetch(`${url}/v1/publish`, {
      method: "POST",
      headers: { authorization: `Bearer ${PUBLISH_KEY}`, "content-type": "application/json" },
      body: JSON.stringify({ messages }),
    }).then(async (response) => {
      await response.arrayBuffer();
      if (response.status === 202) counters.accepted += messages.length;
      else {
        counters.refused += messages.length;
        if (samples.length < 3) samples.push(response.status);
      }
    }, (error) => {
      counters.failed += messages.length;
      if (samples.length < 3) samples.push(error.message);
    });
  };
  const timer = setInterval(() => {
    const target = Math.floor(((performance.now() - started) / 1000) * rate);
    while (due < target) {
      const messages = [];
      while (due < target && messages.length < 100) {
        messages.push({ rooms: [rooms[seq % rooms.length]], event: BENCH_EVENT, data: { s: seq, t: Date.now() } });
        seq++;
        due++;
      }
      send(messages);
    }
  }, tickMs);
  return { counters: () => ({ ...counters }), errorSamples: samples, stop: () => clearInterval(timer) };
}
