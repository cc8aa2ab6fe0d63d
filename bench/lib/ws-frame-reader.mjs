/**
 * Reads the frames a server sends a client (never masked) straight off the TCP stream: the
 * lean client's replacement for ws's Receiver, whose Writable-stream machinery and per-message
 * events would make the load client's CPU, not the server's, the limit (bench/README.md,
 * "How it measures").
 * Calls onFrame(opcode, buf, start, end) per complete frame (no subarray: a Buffer view per
 * frame showed in the load client's profile); fragments are not expected from these
 * servers (Engine.IO sends whole text frames), and a fragmented frame is reported as opcode 0.
 */
export function createFrameReader(onFrame) {
  let pending = null;
  return function push(chunk) {
    let buf = pending ? Buffer.concat([pending, chunk]) : chunk;
    pending = null;
    let offset = 0;
    while (buf.length - offset >= 2) {
      const opcode = buf[offset] & 0x0f;
      let length = buf[offset + 1] & 0x7f;
      let start = offset + 2;
      if (length === 126) {
        if (buf.length < start + 2) break;
        length = buf.readUInt16BE(start);
        start += 2;
      } else if (length === 127) {
        if (buf.length < start + 8) break;
        length = Number(buf.readBigUInt64BE(start));
        start += 8;
      }
      if (buf.length < start + length) break;
      onFrame(opcode, buf, start, start + length);
      offset = start + length;
    }
    if (offset < buf.length) pending = buf.subarray(offset);
  };
}
