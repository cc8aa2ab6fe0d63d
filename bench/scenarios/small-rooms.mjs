import { climbRates } from "../lib/rising-rates.mjs";

/**
 * Scenario 4, many small rooms through the API: the connections are spread over `rooms` rooms
 * (10 each at 10,000), each publish goes to one room in turn, at rising fixed rates.
 * Latency is end to end: from the POST's intended send time to the client's receipt.
 */
export async function runSmallRooms({ server, fleet, connections, config, log }) {
  const { rooms, rates, stepMs, repeats } = config.smallRooms;
  return climbRates({
    rates,
    stepMs,
    repeats,
    log,
    label: "small rooms",
    phase: { server, fleet, size: 100, roomFor: (k) => `r${k % rooms}`, membersPerRoom: connections / rooms },
  });
}
