#!/usr/bin/env node
import { readFile, writeFile } from "node:fs/promises";
import { renderChart } from "../lib/render-chart.mjs";
import { renderMarkdown } from "../lib/render-markdown.mjs";

/** `node bench/tools/render-report.mjs bench/results/<date>.json`: redraws its .md and .svg. */
const file = process.argv[2];
const results = JSON.parse(await readFile(file, "utf8"));
const stem = file.replace(/\.json$/, "");
await writeFile(`${stem}.svg`, await renderChart(results));
await writeFile(`${stem}.md`, renderMarkdown(results, `${stem.split("/").at(-1)}.svg`));
console.log(`wrote ${stem}.md and ${stem}.svg`);
