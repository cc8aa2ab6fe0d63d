interface EncodingAdapter {
  _encode(packet: unknown, options: unknown): unknown;
}

/**
 * A counter of broadcasts this gateway wrote, one increment per broadcast (not per socket):
 * both adapters encode each broadcast once through the instance's `_encode` (see
 * observe-broadcasts.ts). Lets periodic work skip intervals in which nothing was sent.
 */
export function countBroadcasts(adapter: EncodingAdapter): () => number {
  let count = 0;
  const encode = adapter._encode.bind(adapter);
  adapter._encode = (packet, options) => {
    count++;
    return encode(packet, options);
  };
  return () => count;
}
