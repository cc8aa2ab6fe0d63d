import * as hdr from "hdr-histogram-js";

/** Latencies in microseconds; resizes rather than throwing on a pathological outlier. */
export function createHistogram() {
  return hdr.build({ lowestDiscernibleValue: 1, highestTrackableValue: 60_000_000, numberOfSignificantValueDigits: 3, autoResize: true });
}

/** Histograms cross process boundaries as compressed base64 (the HdrHistogram interchange format). */
export const encodeHistogram = (histogram) => hdr.encodeIntoCompressedBase64(histogram);

export function mergeEncoded(encodedList) {
  const merged = createHistogram();
  for (const encoded of encodedList) if (encoded) merged.add(hdr.decodeFromCompressedBase64(encoded));
  return merged;
}

/** Percentiles in milliseconds, the unit every report uses. */
export function summarize(histogram) {
  if (histogram.totalCount === 0) return { count: 0, p50: null, p90: null, p99: null, p999: null, max: null, mean: null };
  const ms = (us) => Math.round(us) / 1000;
  return {
    count: histogram.totalCount,
    p50: ms(histogram.getValueAtPercentile(50)),
    p90: ms(histogram.getValueAtPercentile(90)),
    p99: ms(histogram.getValueAtPercentile(99)),
    p999: ms(histogram.getValueAtPercentile(99.9)),
    max: ms(histogram.maxValue),
    mean: ms(histogram.mean),
  };
}
