import { createServer } from "node:net";

/** A port the kernel just handed out on loopback; never a fixed port, other engineers run tests here. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}
