import {
  appendFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  writeFileSync,
} from "node:fs";
import { dirname, join } from "node:path";
import { type Command, InvalidArgumentError } from "commander";
import { benchEnvironment } from "../../bench/environment.js";
import {
  latestRuns,
  memristorSection,
  multichannelSection,
  scalingFigure,
  scalingSection,
  spliceSection,
} from "../../bench/report.js";
import type { BenchRow } from "../../bench/row.js";
import { runBenchmarks, SUITES, type SuiteName } from "../../bench/suites.js";
import { act } from "../action.js";

interface BenchFlags {
  full?: boolean;
  suite?: SuiteName[];
  ngspiceMax?: number;
  out: string;
  report: boolean;
  docs: string;
  figure: string;
}

/**
 * `cellspice bench`: runs the benchmark suites (src/bench), appends one JSON row per case to
 * `<out>/<suite>.jsonl`, then rebuilds the tables of docs/performance.md and the scaling figure
 * from the latest run of each suite. `--full` is the big sweep (ngspice up to 48×48, several
 * minutes); the default finishes in about two minutes. `--report-only` skips the runs.
 */
export function benchCommand(program: Command): Command {
  return program
    .command("bench")
    .description(
      "benchmark cellspice's solvers against ngspice; rows to bench/results/*.jsonl, tables to docs/performance.md",
    )
    .option(
      "--full",
      "the big sweep (ngspice up to 48×48, trained-layer sizes up to 128 channels; many minutes)",
    )
    .option(
      "--suite <names>",
      `comma-separated suites: ${SUITES.join(", ")} (default: all)`,
      parseSuites,
    )
    .option(
      "--ngspice-max <n>",
      "largest array side run in ngspice (default 24, 48 with --full; 0: none)",
      parseSide,
    )
    .option("--out <dir>", "directory of the .jsonl result files", "bench/results")
    .option("--no-report", "do not rewrite docs/performance.md and the figure")
    .option(
      "--report-only",
      "only rebuild docs/performance.md and the figure from existing results",
    )
    .option(
      "--docs <file>",
      "the markdown file whose bench sections are rebuilt",
      "docs/performance.md",
    )
    .option("--figure <file>", "the scaling figure (SVG)", "docs/img/perf-scaling.svg")
    .action(
      act<BenchFlags & { reportOnly?: boolean }>(async (_args, flags, ctx) => {
        if (!flags.reportOnly) await runBench(flags, ctx.progress);
        if (flags.report || flags.reportOnly) {
          writeBenchReport(flags.out, flags.docs, flags.figure, ctx.progress);
        }
      }),
    );
}

/** Runs the suites and appends their rows; the command line is recorded with every row. */
export async function runBench(flags: BenchFlags, log: (text: string) => void): Promise<void> {
  mkdirSync(flags.out, { recursive: true });
  const command = `cellspice bench ${process.argv
    .slice(2)
    .filter((a) => a !== "bench")
    .join(" ")}`.trim();
  const env = benchEnvironment(process.env.CELLSPICE_BENCH_COMMAND ?? command);
  await runBenchmarks({
    full: flags.full === true,
    suites: flags.suite ?? SUITES,
    ngspiceMax: flags.ngspiceMax,
    env,
    runId: new Date().toISOString(),
    onRow: (row) =>
      appendFileSync(join(flags.out, `${row.suite}.jsonl`), `${JSON.stringify(row)}\n`),
    log,
  });
}

/** Rebuilds the generated sections of `docsFile` and the scaling figure from `resultsDir`. */
export function writeBenchReport(
  resultsDir: string,
  docsFile: string,
  figureFile: string,
  log: (t: string) => void,
): void {
  const rows: BenchRow[] = [];
  if (existsSync(resultsDir)) {
    for (const f of readdirSync(resultsDir)
      .filter((n) => n.endsWith(".jsonl"))
      .sort()) {
      for (const line of readFileSync(join(resultsDir, f), "utf8").split("\n"))
        if (line.trim()) rows.push(JSON.parse(line) as BenchRow);
    }
  }
  const runs = latestRuns(rows);
  let doc = existsSync(docsFile) ? readFileSync(docsFile, "utf8") : "# Performance\n";
  const sections: [string, (r: BenchRow[]) => string][] = [
    ["scaling", scalingSection],
    ["multichannel", multichannelSection],
    ["memristor", memristorSection],
    ["stiff", memristorSection],
    ["netlist", memristorSection],
  ];
  for (const [name, build] of sections) {
    const r = runs.get(name);
    if (r?.length) doc = spliceSection(doc, name, build(r));
  }
  writeFileSync(docsFile, doc);
  log(`wrote ${docsFile}`);
  const scaling = runs.get("scaling");
  const svg = scaling ? scalingFigure(scaling) : null;
  if (svg) {
    mkdirSync(dirname(figureFile), { recursive: true });
    writeFileSync(figureFile, `${svg}\n`);
    log(`wrote ${figureFile}`);
  }
}

function parseSuites(value: string): SuiteName[] {
  const names = value.split(",").map((s) => s.trim());
  for (const n of names) {
    if (!(SUITES as readonly string[]).includes(n))
      throw new InvalidArgumentError(`unknown suite "${n}" (${SUITES.join(", ")})`);
  }
  return names as SuiteName[];
}

function parseSide(value: string): number {
  const n = Number(value);
  if (!(Number.isInteger(n) && n >= 0)) throw new InvalidArgumentError("a whole number ≥ 0");
  return n;
}
