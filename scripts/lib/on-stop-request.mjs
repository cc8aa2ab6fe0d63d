// @ts-check

/**
 * Calls `stop` once for the first of SIGINT, SIGTERM, SIGHUP or the fleet's parent going away,
 * and `kill` for any signal after that (a second Ctrl-C kills at once).
 * @param {{ stop: (why: string, hint: string) => void, kill: () => void }} handlers
 */
export function onStopRequest({ stop, kill }) {
  let requests = 0;
  /**
   * @param {string} why
   * @param {string} hint
   */
  const request = (why, hint) => (++requests === 1 ? stop(why, hint) : kill());
  for (const signal of /** @type {const} */ (["SIGINT", "SIGTERM", "SIGHUP"])) {
    process.on(signal, () => request(signal, signal === "SIGINT" ? " (Ctrl-C again kills at once)" : ""));
  }
  // Nothing tells a process that its parent died (npm killed, a test runner gone): it shows as
  // the fleet being handed to another parent, so that its children do not run on unowned.
  const parent = process.ppid;
  const watch = setInterval(() => {
    if (process.ppid === parent) return;
    clearInterval(watch);
    request("its parent process is gone", "");
  }, 1000);
  watch.unref();
}
