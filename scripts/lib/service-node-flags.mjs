import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

const SERVICES = fileURLToPath(new URL("../../services", import.meta.url));

/**
 * The V8 flags a service runs with beyond the image's NODE_OPTIONS, from its `node-options`
 * file (what the Dockerfile's CMD reads): every line that is not blank or a `#` comment.
 */
/** @param {string} service @param {string} [root] @returns {string[]} */
export function serviceNodeFlags(service, root = SERVICES) {
  return readFileSync(`${root}/${service}/node-options`, "utf8")
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line !== "" && !line.startsWith("#"));
}
