/**
 * Rebuilds docs/performance.md's generated sections and docs/img/perf-scaling.svg from
 * bench/results/*.jsonl without running anything: `npx tsx bench/report.ts`.
 */
import { writeBenchReport } from "../src/cli/commands/bench.js";

writeBenchReport("bench/results", "docs/performance.md", "docs/img/perf-scaling.svg", (t) =>
  console.log(t),
);
