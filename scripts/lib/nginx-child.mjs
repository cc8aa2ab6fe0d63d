// @ts-check
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ROOT } from "./fleet-state.mjs";
import { localNginxConfig } from "./nginx-config.mjs";

// What a developer looks for in a proxy log: who asked for what, the answer, which gateway.
const ACCESS_LOG_FORMAT = '$time_local $remote_addr "$request" $status upstream=$upstream_addr';

/**
 * Writes deploy/nginx/nginx.conf made runnable on loopback into `runDir` and returns how to run
 * it in the foreground, with its logs in `logDir`.
 * @param {{ binary: string, runDir: string, logDir: string, listenPort: number, gatewayPorts: number[] }} options
 * @returns {{ command: string, args: string[] }}
 */
export function nginxCommand({ binary, runDir, logDir, listenPort, gatewayPorts }) {
  const source = readFileSync(join(ROOT, "deploy/nginx/nginx.conf"), "utf8");
  const errorLog = join(logDir, "nginx-error.log");
  const config = localNginxConfig(source, {
    dir: runDir,
    listenPort,
    gatewayPorts,
    errorLog,
    accessLog: join(logDir, "nginx-access.log"),
    logFormat: ACCESS_LOG_FORMAT,
  });
  const configPath = join(runDir, "nginx.conf");
  writeFileSync(configPath, config);
  // -e: the compiled-in error log path is not writable for every user, even before the config is read.
  return { command: binary, args: ["-p", runDir, "-e", errorLog, "-c", configPath, "-g", "daemon off;"] };
}
