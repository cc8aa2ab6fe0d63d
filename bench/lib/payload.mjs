/**
 * The broadcast payload carries its own intended send time, sequence and phase, first in the
 * object so load clients can read them from the raw frame without parsing the JSON:
 *   42["bench",{"t":1717000000000.123,"s":7,"k":3,"p":"xxxx"},{...meta}]
 * `p` pads the serialized `data` to exactly the requested size.
 */
export const BENCH_EVENT = "bench";

export function makeData(intendedMs, seq, phase, size) {
  const t = Math.round(intendedMs * 1000) / 1000;
  const bare = JSON.stringify({ t, s: seq, k: phase, p: "" }).length;
  return { t, s: seq, k: phase, p: "x".repeat(Math.max(0, size - bare)) };
}

const STAMP = Buffer.from('{"t":');

/** Filled in place by readStamp: one object for the whole process, no allocation per frame. */
export const stamp = { t: 0, s: 0, k: 0 };

/** Reads t, s and k from a raw `42[...]` frame; false when the frame carries no stamp. */
export function readStamp(buf, from = 0) {
  let i = buf.indexOf(STAMP, from);
  if (i < 0) return false;
  i += STAMP.length;
  i = readNumber(buf, i);
  stamp.t = lastNumber;
  i = readNumber(buf, i + 5); // ,"s":
  stamp.s = lastNumber;
  readNumber(buf, i + 5); // ,"k":
  stamp.k = lastNumber;
  return true;
}

let lastNumber = 0;
function readNumber(buf, i) {
  let whole = 0;
  let c = buf[i];
  while (c >= 48 && c <= 57) {
    whole = whole * 10 + (c - 48);
    c = buf[++i];
  }
  if (c === 46) {
    let scale = 0.1;
    c = buf[++i];
    while (c >= 48 && c <= 57) {
      whole += (c - 48) * scale;
      scale /= 10;
      c = buf[++i];
    }
  }
  lastNumber = whole;
  return i;
}
