import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

const DOCKERFILE = fileURLToPath(new URL("../../Dockerfile", import.meta.url));

/**
 * The `NODE_OPTIONS` the Docker image runs every service with (its V8 heap flags), so the bench
 * measures the services as they ship rather than on Node's defaults.
 */
export function imageNodeOptions() {
  // On an instruction line, not in a comment.
  const match = /^(?!\s*#).*?\bNODE_OPTIONS=(?:"([^"]*)"|(\S+))/m.exec(readFileSync(DOCKERFILE, "utf8"));
  if (!match) throw new Error(`no NODE_OPTIONS in ${DOCKERFILE}`);
  return match[1] ?? match[2];
}
