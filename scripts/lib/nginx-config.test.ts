import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { localNginxConfig } from "./nginx-config.mjs";

const SOURCE = readFileSync(new URL("../../deploy/nginx/nginx.conf", import.meta.url), "utf8");
const upstreams = (config: string) => [...config.matchAll(/^(\s*)server\s+(\S+);/gm)].map(([, indent, address]) => `${indent}${address}`);

describe("localNginxConfig", () => {
  it("points the upstream at the given gateways, dropping the compose file's surplus lines", () => {
    const config = localNginxConfig(SOURCE, { dir: "/run/x", listenPort: 8080, gatewayPorts: [4001, 4002] });
    expect(upstreams(config)).toEqual(["        127.0.0.1:4001", "        127.0.0.1:4002"]);
    expect(config).not.toContain("socket-gateway-");
    expect(config).toMatch(/^\s*listen 127\.0\.0\.1:8080;$/m);
    expect(config).toContain("pid /run/x/nginx.pid;");
    expect(config).toContain("proxy_temp_path /run/x/proxy;");
  });

  it("adds upstream lines when there are more gateways than the compose file has", () => {
    const config = localNginxConfig(SOURCE, { dir: "/run/x", listenPort: 8080, gatewayPorts: [1, 2, 3, 4, 5] });
    expect(upstreams(config)).toEqual([1, 2, 3, 4, 5].map((port) => `        127.0.0.1:${port}`));
    // Still the compose file's routing: ip_hash, keepalive and the proxy locations are untouched.
    expect(config).toMatch(/ip_hash;\n(\s*server 127\.0\.0\.1:\d;\n){5}\s*keepalive 32;/);
  });

  it("writes logs where it is told, in the format it is given", () => {
    const config = localNginxConfig(SOURCE, {
      dir: "/run/x",
      listenPort: 1,
      gatewayPorts: [2],
      errorLog: "/logs/error.log",
      accessLog: "/logs/access.log",
      logFormat: "$status $upstream_addr",
    });
    expect(config).toMatch(/^error_log \/logs\/error\.log warn;$/m);
    expect(config).toContain("log_format local '$status $upstream_addr'; access_log /logs/access.log local;");
  });

  it("fails loudly when the deployment file changed shape", () => {
    expect(() => localNginxConfig(SOURCE.replace("listen 80;", "listen 8080;"), { dir: "/x", listenPort: 1, gatewayPorts: [2] })).toThrow(
      /changed shape: expected 1 match\(es\) of .*listen/,
    );
    expect(() => localNginxConfig(SOURCE.replaceAll(/server socket-gateway-\d+:4000;/g, ""), { dir: "/x", listenPort: 1, gatewayPorts: [2] })).toThrow(
      /no `server socket-gateway-N:PORT;` line/,
    );
  });
});
