// @ts-check

const UNITS = /** @type {const} */ ({ s: 1, m: 60, h: 3600, d: 86_400 });

/**
 * `90s`, `30m`, `1h`, `7d` or a bare number of seconds, as seconds; undefined when it is none
 * of these or not positive.
 * @param {string} text
 * @returns {number | undefined}
 */
export function parseDuration(text) {
  const match = /^(\d+)\s*([smhd]?)$/.exec(text.trim());
  if (!match) return undefined;
  const unit = /** @type {keyof typeof UNITS | ""} */ (match[2]);
  const seconds = Number(match[1]) * (unit === "" ? 1 : UNITS[unit]);
  return seconds > 0 && Number.isSafeInteger(seconds) ? seconds : undefined;
}

/**
 * `3600` → `1h`, `5400` → `1h 30m`: how the commands say a duration back.
 * @param {number} seconds
 */
export function formatDuration(seconds) {
  const parts = [];
  let left = seconds;
  for (const [unit, size] of /** @type {const} */ ([["d", 86_400], ["h", 3600], ["m", 60], ["s", 1]])) {
    if (left >= size) {
      parts.push(`${Math.floor(left / size)}${unit}`);
      left %= size;
    }
  }
  return parts.join(" ") || "0s";
}
