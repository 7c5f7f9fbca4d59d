import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // Two cores on CI: ngspice runs are child processes, so keep test files to two workers.
    maxWorkers: 2,
  },
});
