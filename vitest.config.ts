import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["scripts/**/*.test.ts", "shared/src/**/*.test.ts", "services/*/src/**/*.test.ts", "test/**/*.test.ts", "deploy/**/*.test.ts", "docs/**/*.test.ts", "client/**/*.test.ts", "bench/lib/**/*.test.mjs"],
    globalSetup: ["test/support/redis-global-setup.ts"],
    // End-to-end files start several real processes each; on a 2-core machine they run one at a time.
    fileParallelism: false,
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // CI reads its count line from this report (.ci/count-tests.mjs).
    reporters: process.env.CI ? ["default", "json"] : ["default"],
    outputFile: { json: "test-results/vitest.json" },
  },
});
