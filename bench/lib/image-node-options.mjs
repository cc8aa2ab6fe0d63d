import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { serviceNodeFlags } from "../../scripts/lib/service-node-flags.mjs";

const DOCKERFILE = fileURLToPath(new URL("../../Dockerfile", import.meta.url));

/**
 * The `NODE_OPTIONS` the Docker image runs `service` with: the image's own (its V8 heap flags)
 * and the service's `node-options`, so the bench measures the services as they ship rather than
 * on Node's defaults.
 */
export function imageNodeOptions(service) {
  return [imageWideOptions(), ...serviceNodeFlags(service)].join(" ");
}

function imageWideOptions() {
  // On an instruction line, not in a comment.
  const match = /^(?!\s*#).*?\bNODE_OPTIONS=(?:"([^"]*)"|(\S+))/m.exec(readFileSync(DOCKERFILE, "utf8"));
  if (!match) throw new Error(`no NODE_OPTIONS in ${DOCKERFILE}`);
  return match[1] ?? match[2];
}
