// The browser build: one ESM file with socket.io-client inside, for a <script type="module">
// or an import map, no bundler needed. Bundled from tsc's output so both builds share one code path.
import { build } from "esbuild";

await build({
  entryPoints: ["dist/index.js"],
  outfile: "dist/browser/socket-server-client.js",
  bundle: true,
  format: "esm",
  platform: "browser",
  // Browsers with native ES modules and the syntax tsc emits (ES2022).
  target: ["es2022"],
  minify: true,
  sourcemap: true,
  legalComments: "eof",
  logLevel: "warning",
});
