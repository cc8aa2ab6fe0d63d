// Turns vitest's JSON report into the one line CI reads, and fails a run that tested nothing.
import { existsSync, readFileSync } from "node:fs";

const [reportPath, statusText] = process.argv.slice(2);
const status = Number(statusText);

if (!existsSync(reportPath)) {
  console.log("0 passed, 1 failed");
  console.error(`no test report at ${reportPath}: install or build failed before the tests ran (exit ${status})`);
  process.exit(status || 1);
}
const report = JSON.parse(readFileSync(reportPath, "utf8"));
// A file whose setup failed (a crashing beforeAll, an import error) may count no failed test:
// it counts once. Vitest's numFailedTestSuites counts describe blocks too, so it is not used.
const brokenFiles = report.testResults.filter(
  (file) => file.status === "failed" && !file.assertionResults.some((test) => test.status === "failed"),
).length;
const failed = report.numFailedTests + brokenFiles;
console.log(`${report.numPassedTests} passed, ${failed} failed`);
if (report.numTotalTests === 0) {
  console.error("no test ran");
  process.exit(1);
}
process.exit(status || (failed > 0 ? 1 : 0));
