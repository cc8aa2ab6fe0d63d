import { climbRates } from "../lib/rising-rates.mjs";

/**
 * Scenario 3, saturation: the big room at rising message rates until p99 passes 250 ms or a
 * backlog builds; the figure is delivered messages per second at the knee.
 */
export async function runSaturation({ server, fleet, connections, config, log }) {
  const { rates, stepMs, repeats } = config.saturation;
  const climb = await climbRates({
    rates,
    stepMs,
    repeats,
    log,
    label: "saturation",
    phase: { server, fleet, size: 100, roomFor: () => "all", membersPerRoom: connections, drainMs: 5_000 },
  });
  return { ...climb, deliveriesPerSecondAtKnee: climb.knee?.deliveriesPerSecond ?? null };
}
