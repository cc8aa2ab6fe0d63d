/**
 * Serves a load-client process's commands over the IPC channel the bench's orchestrator opened
 * (client-fleet.mjs): `{ id, command, args }` in, `{ id, result }` or `{ id, error }` out.
 */
export function serveCommands(commands) {
  process.on("message", async ({ id, command, args }) => {
    try {
      process.send({ id, result: await commands[command](args) });
    } catch (error) {
      process.send({ id, error: error.stack });
    }
  });
  // The orchestrator went away: nothing left to serve.
  process.on("disconnect", () => process.exit(0));
  // A plain exit, so that --cpu-prof gets to write its profile.
  process.on("SIGTERM", () => process.exit(0));
}
