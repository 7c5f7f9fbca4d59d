import { relative } from "node:path";
import { type CellArray, cellCount } from "../cells/spec.js";
import { type CosimOptions, type CosimResult, cellLocation, runCosim } from "../cosim/cosim.js";
import type { Tolerances } from "../cosim/metrics.js";
import { type CosimFiles, writeCosimOutputs } from "../report/writeCosim.js";
import type { CliContext } from "./context.js";
import { interruptible } from "./interrupt.js";
import { writeOutputDirectory } from "./outputPath.js";
import { checkFiniteTrajectory, memristorBoundWarnings } from "./resultChecks.js";
import { fmt, formatTable } from "./table.js";
import { packageVersion } from "./version.js";

/** The files a co-simulation writes into its directory (figures as cosimFigures names them). */
export const COSIM_FILE_NAMES = [
  "cosim.json",
  "report.html",
  "circuit.cir",
  "waveforms.svg",
  "images.svg",
  "error-map.svg",
  "memristor-w.svg",
  "memristor-iv.svg",
];

/** Runs a co-simulation with progress on stderr and writes its outputs into `dir`. */
export async function cosimToDirectory(
  array: CellArray,
  o: CosimOptions,
  dir: string,
  ctx: CliContext,
  report: {
    title?: string;
    description?: string;
    template?: string;
    cells?: number[];
    memristorCell?: number;
  } = {},
): Promise<{ result: CosimResult; files: CosimFiles }> {
  const cells = cellCount(array);
  const start = performance.now();
  ctx.progress(
    `co-simulating ${array.name}: ${cells} cells${array.memristor ? ` with ${array.memristor.model.name} memristors` : ""}, T = ${o.T} τ`,
  );
  ctx.progress(`  running ngspice (${cells} cells), then cellspice on ngspice's time points…`);
  const result = await interruptible((signal) =>
    runCosim(array, { ...o, ngspice: { ...o.ngspice, signal } }),
  );
  ctx.progress(
    `  ngspice ${(result.ngspice.wallTimeMs / 1000).toFixed(2)} s (${result.t.length} points), cellspice ${(result.cellspice.wallTimeMs / 1000).toFixed(2)} s`,
  );
  checkFiniteTrajectory(array, result.ngspice);
  checkFiniteTrajectory(array, result.cellspice);
  const warnings = [
    ...memristorBoundWarnings(array, result.ngspice),
    ...memristorBoundWarnings(array, result.cellspice),
  ];
  for (const w of warnings) process.stderr.write(`warning: ${w}\n`);
  // The whole run goes into a temporary sibling first (src/cli/outputPath.ts): a failure or an
  // interrupt while writing leaves the directory as it was.
  const files: CosimFiles = await writeOutputDirectory(dir, COSIM_FILE_NAMES, (tmp) =>
    writeCosimOutputs(tmp, result, {
      ...report,
      cellspiceVersion: packageVersion(),
      extra: { warnings },
    }),
  );
  ctx.progress(
    `  wrote ${relative(".", files.report) || files.report} and ${files.figures.length + 2} more files in ${((performance.now() - start) / 1000).toFixed(2)} s`,
  );
  return { result, files };
}

/** The verdict table printed after a co-simulation. */
export function verdictTable(r: CosimResult): string {
  const t: Tolerances = r.verdict.tolerances;
  const o = r.overall;
  const ok = (v: number, tol: number) => (v <= tol ? "ok" : "FAIL");
  const rows: string[][] = [
    ["max |Δx|", fmt(o.maxAbs), fmt(t.maxAbs), ok(o.maxAbs, t.maxAbs)],
    ["RMS Δx", fmt(o.rms), fmt(t.rms), ok(o.rms, t.rms)],
    [
      "final relative",
      fmt(o.finalRelative),
      fmt(t.finalRelative),
      ok(o.finalRelative, t.finalRelative),
    ],
    ["max |Δy|", fmt(o.outputMaxAbs), fmt(t.outputMaxAbs), ok(o.outputMaxAbs, t.outputMaxAbs)],
  ];
  if (r.memristor) {
    const s = r.memristor.switching;
    rows.push([
      "switching |Δt|",
      `${fmt(s.maxDelta)} τ`,
      `${fmt(s.tolerance.maxDelta)} τ`,
      s.maxDelta <= s.tolerance.maxDelta && s.mismatched.length === 0 ? "ok" : "FAIL",
    ]);
    rows.push(["max |Δw|", fmt(r.memristor.maxAbs), "-", "(reported)"]);
  }
  const a = r.array;
  const w = cellLocation(a, o.worstCell);
  const head = `${a.name}: ${a.channels}×${a.rows}×${a.cols} cells, T = ${r.T} τ, ${r.t.length} time points: ${r.verdict.pass ? "PASS" : "FAIL"}`;
  const lines = [head, formatTable(["metric", "value", "tolerance", "verdict"], rows)];
  lines.push(`worst cell (${w.channel}, ${w.row}, ${w.col}) at t = ${fmt(o.tWorst)} τ`);
  if (r.memristor) {
    const s = r.memristor.switching;
    lines.push(
      `memristors: ${s.events.length - s.mismatched.length} switch (w crosses ${s.tolerance.threshold}) in both engines, ${s.mismatched.length} in one only`,
    );
  }
  if (!r.verdict.pass && r.verdict.failingCells.length > 0) {
    const list = r.verdict.failingCells.slice(0, 5).map((p) => {
      const c = cellLocation(a, p);
      return `(${c.channel}, ${c.row}, ${c.col})`;
    });
    lines.push(
      `failing cells: ${r.verdict.failingCells.length} (${list.join(", ")}${r.verdict.failingCells.length > 5 ? ", …" : ""})`,
    );
  }
  return lines.join("\n");
}
