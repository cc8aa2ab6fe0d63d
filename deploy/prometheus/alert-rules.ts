import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parse } from "yaml";

export interface AlertRule {
  alert: string;
  expr: string;
  /** The expression left of the final comparison: what a dashboard panel should draw. */
  query: string;
  operator: ">" | ">=";
  /** The number the query is compared with: what a dashboard threshold line should show. */
  threshold: number;
}

interface RuleFile {
  groups: Array<{ name: string; rules: Array<{ alert?: string; record?: string; expr: string }> }>;
}

/** The alerting rules of alerts.yml, each split into query, comparison and threshold. */
export function readAlertRules(): AlertRule[] {
  const path = join(dirname(fileURLToPath(import.meta.url)), "alerts.yml");
  const file = parse(readFileSync(path, "utf8")) as RuleFile;
  return file.groups
    .flatMap((group) => group.rules)
    .filter((rule) => rule.alert !== undefined)
    .map((rule) => {
      const expr = normalizePromql(rule.expr);
      // Every rule here ends in "<query> > <number>" or ">="; anything else is a rule this
      // file's readers (the dashboard test among them) cannot relate to a threshold.
      const match = /^(.*\S)\s*(>=|>)\s*(-?[\d.]+(?:e-?\d+)?)$/.exec(expr);
      if (!match) throw new Error(`alert ${rule.alert}: expected "<query> > <number>", got ${expr}`);
      return { alert: rule.alert!, expr, query: match[1]!, operator: match[2] as ">" | ">=", threshold: Number(match[3]) };
    });
}

/** PromQL with whitespace normalised, so a panel's query can be compared with a rule's. */
export const normalizePromql = (expr: string) => expr.replace(/\s+/g, " ").replace(/\(\s+/g, "(").replace(/\s+\)/g, ")").trim();
