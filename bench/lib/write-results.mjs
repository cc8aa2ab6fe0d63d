import { mkdir, writeFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { renderChart } from "./render-chart.mjs";
import { renderMarkdown } from "./render-markdown.mjs";

const RESULTS = fileURLToPath(new URL("../results/", import.meta.url));

/** bench/results/<date>.{json,md,svg}; the JSON keeps summaries, not raw histograms, to stay small. */
export async function writeResults(results) {
  await mkdir(RESULTS, { recursive: true });
  const stem = `${RESULTS}${results.startedAt.slice(0, 19).replace(/:/g, "-")}`;
  const files = [`${stem}.json`, `${stem}.md`, `${stem}.svg`];
  await writeFile(files[0], `${JSON.stringify(results, null, 1)}\n`);
  const chart = await renderChart(results).catch((error) => `<!-- chart failed: ${error.message} -->`);
  await writeFile(files[2], chart);
  await writeFile(files[1], renderMarkdown(results, files[2].split("/").at(-1)));
  return files;
}
