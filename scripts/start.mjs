// The root `npm start`: the single instance in development mode (DEV_MODE, docs/environment.md),
// run as a child of this script rather than of a nested `npm run`, so that what the user sees
// is the gateway's own output.
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

// shared/src/config/load-config-or-exit.ts: the gateway has already printed every problem.
const CONFIG_ERROR_EXIT_CODE = 78;

const main = fileURLToPath(new URL("../services/socket-gateway/dist/main.js", import.meta.url));
const child = spawn(process.execPath, [main], { stdio: "inherit", env: { ...process.env, DEV_MODE: "true" } });

// Ctrl-C reaches the child from the terminal as well; forwarding covers a plain `kill`.
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => child.kill(signal));

child.on("exit", (code, signal) => {
  // npm would follow a non-zero exit with a screen of "npm error" lines about the lifecycle
  // script, burying the gateway's one clear message; for a bad environment it is left alone.
  if (code === CONFIG_ERROR_EXIT_CODE) process.exit(0);
  process.exit(code ?? (signal === "SIGINT" || signal === "SIGTERM" ? 0 : 1));
});
