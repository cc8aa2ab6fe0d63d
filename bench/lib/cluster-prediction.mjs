/**
 * Redis CPU per message and messages each gateway must read, for G gateways, from the measured
 * per-message costs. Classic pub/sub pushes every message to every gateway: base + G × perReceiver,
 * and each gateway reads the whole rate. Sharded pushes a room's message only to the k gateways
 * holding the room: base + k × perReceiver, and each gateway reads rate × k / G.
 * `base` is the measured 2-gateway figure less the receivers it had (2 classic, k sharded).
 */
export function predictGateways({ classic, sharded, rate, gateways = [10, 100], k = 1, measuredGateways = 2 }) {
  const classicBase = classic ? classic.redisUsPerMessage - measuredGateways * classic.perReceiverUs : null;
  const shardedBase = sharded ? sharded.redisUsPerMessage - k * sharded.perReceiverUs : null;
  return {
    formula: "classic: redis µs/msg = base_c + G × perReceiver_c, each gateway reads R msg/s; sharded: redis µs/msg = base_s + k × perReceiver_s, each gateway reads R × k / G msg/s",
    k,
    rate,
    classic: classic && { base: classicBase, perReceiver: classic.perReceiverUs },
    sharded: sharded && { base: shardedBase, perReceiver: sharded.perReceiverUs },
    rows: gateways.map((G) => ({
      gateways: G,
      classicRedisUsPerMessage: classic ? classicBase + G * classic.perReceiverUs : null,
      shardedRedisUsPerMessage: sharded ? shardedBase + k * sharded.perReceiverUs : null,
      classicReadsPerGatewayPerSecond: rate,
      shardedReadsPerGatewayPerSecond: (rate * k) / G,
      // One Redis core's worth of messages at that cost: where the single Redis runs out.
      classicRedisCoreLimitPerSecond: classic ? 1e6 / (classicBase + G * classic.perReceiverUs) : null,
      shardedRedisCoreLimitPerSecond: sharded ? 1e6 / (shardedBase + k * sharded.perReceiverUs) : null,
    })),
  };
}
