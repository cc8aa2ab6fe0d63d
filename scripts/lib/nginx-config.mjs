// @ts-check
// Pure text rewriting, no I/O: test/support/nginx.ts and the fleet command both run the file
// compose mounts (deploy/nginx/nginx.conf), changed only in addresses, file paths and logs.

/** What the tests read back from the access log: engine.io session id, upstream, status, method, transport. */
export const SESSION_LOG_FORMAT = "$arg_sid|$upstream_addr|$status|$request_method|$arg_transport";

/**
 * @typedef {object} LocalNginxOptions
 * @property {string} dir where pid and temp files go (nginx's `-p` prefix)
 * @property {number} listenPort the loopback port nginx listens on
 * @property {number[]} gatewayPorts one upstream server per gateway, on 127.0.0.1
 * @property {string} [errorLog] default `<dir>/error.log`
 * @property {string} [accessLog] default `<dir>/access.log`
 * @property {string} [logFormat] the access log's `log_format`, default SESSION_LOG_FORMAT
 */

/**
 * Replaces what `pattern` matches, insisting on how many matches there are, so that a change
 * of the deployment file's shape fails loudly instead of running an unintended config.
 * @param {string} text
 * @param {RegExp} pattern
 * @param {number} count
 * @param {(match: string, index: number) => string} replacement
 */
function replaceCounted(text, pattern, count, replacement) {
  let seen = 0;
  const result = text.replace(pattern, (match) => replacement(match, seen++));
  if (seen !== count) throw new Error(`deploy/nginx/nginx.conf changed shape: expected ${count} match(es) of ${pattern}, found ${seen}`);
  return result;
}

/**
 * The compose config made runnable on loopback by an unprivileged nginx: the upstream servers
 * become the given gateway ports (as many as there are: surplus compose lines are dropped,
 * missing ones are added after the last), the listener a loopback port, and logs, pid and temp
 * files move under `dir`.
 * @param {string} source the text of deploy/nginx/nginx.conf
 * @param {LocalNginxOptions} options
 * @returns {string}
 */
export function localNginxConfig(source, options) {
  const { dir, listenPort, gatewayPorts } = options;
  const { errorLog = `${dir}/error.log`, accessLog = `${dir}/access.log`, logFormat = SESSION_LOG_FORMAT } = options;
  if (gatewayPorts.length === 0) throw new Error("nginx needs at least one gateway");
  const serverLine = /^(\s*)server\s+socket-gateway-\d+:\d+;/gm;
  const declared = source.match(serverLine)?.length ?? 0;
  if (declared === 0) throw new Error("deploy/nginx/nginx.conf changed shape: no `server socket-gateway-N:PORT;` line");
  const server = (/** @type {string} */ line, /** @type {number} */ port) => line.replace(/socket-gateway-\d+:\d+/, `127.0.0.1:${port}`);
  let text = replaceCounted(source, serverLine, declared, (line, index) => {
    if (index < declared - 1) return index < gatewayPorts.length ? server(line, /** @type {number} */ (gatewayPorts[index])) : "";
    // The last declared line takes every remaining gateway, each on a line of the same indentation.
    return gatewayPorts.slice(index).map((port) => server(line, port)).join("\n");
  });
  text = replaceCounted(text, /^(\s*)listen\s+80;/gm, 1, (line) => line.replace("80", `127.0.0.1:${listenPort}`));
  text = replaceCounted(text, /^(\s*)error_log\s+\S+/gm, 1, (line) => line.replace(/error_log\s+\S+/, `error_log ${errorLog}`));
  text = replaceCounted(text, /^(\s*)pid\s+\S+;/gm, 1, (line) => line.replace(/pid\s+\S+;/, `pid ${dir}/nginx.pid;`));
  text = replaceCounted(text, /^(\s*)access_log\s+[^;]+;/gm, 1, (line) =>
    line.replace(/access_log\s+[^;]+;/, `log_format local '${logFormat}'; access_log ${accessLog} local;`),
  );
  // Debian's nginx keeps temp files under /var/lib/nginx, which an unprivileged run cannot use.
  const temp = ["client_body", "proxy", "fastcgi", "uwsgi", "scgi"].map((kind) => `${kind}_temp_path ${dir}/${kind};`).join(" ");
  return replaceCounted(text, /^http\s*\{/gm, 1, (line) => `${line}\n    ${temp}`);
}
