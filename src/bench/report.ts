import { machinePeaks } from "./environment.js";
import { type ScalingSeries, scalingPlot } from "./plot.js";
import type { BenchRow } from "./row.js";
import { MATCHED_ERROR } from "./suites.js";

/**
 * docs/performance.md sections from benchmark rows. Each suite's section is rebuilt from the
 * latest run that has rows for it, and spliced between `<!-- bench:NAME -->` and
 * `<!-- /bench:NAME -->` markers, so that the prose around the tables stays hand-written.
 */

/** The rows of the latest run of each suite. */
export function latestRuns(rows: readonly BenchRow[]): Map<string, BenchRow[]> {
  const latest = new Map<string, string>();
  for (const r of rows) if ((latest.get(r.suite) ?? "") < r.runId) latest.set(r.suite, r.runId);
  const out = new Map<string, BenchRow[]>();
  for (const [suite, runId] of latest)
    out.set(
      suite,
      rows.filter((r) => r.suite === suite && r.runId === runId),
    );
  return out;
}

/** Replaces the text between a section's markers (appends the section when missing). */
export function spliceSection(doc: string, name: string, body: string): string {
  const open = `<!-- bench:${name} -->`;
  const close = `<!-- /bench:${name} -->`;
  const a = doc.indexOf(open);
  const b = doc.indexOf(close);
  const block = `${open}\n${body.trim()}\n${close}`;
  if (a < 0 || b < a) return `${doc.trimEnd()}\n\n${block}\n`;
  return doc.slice(0, a) + block + doc.slice(b + close.length);
}

const ms = (v: number) =>
  v >= 1000 ? `${(v / 1000).toFixed(2)} s` : v >= 10 ? `${v.toFixed(0)} ms` : `${v.toFixed(2)} ms`;
const sci = (v: number | undefined) => (v === undefined ? "" : v === 0 ? "0" : v.toExponential(1));
/** 0.01 stays 0.01; 0.0001 becomes 1e-4. */
const short = (v: number | undefined) =>
  v === undefined ? "" : v >= 1e-3 ? String(Number(v.toPrecision(4))) : v.toExponential();
const setting = (r: BenchRow) =>
  r.maxStep !== undefined
    ? `maxStep ${short(r.maxStep)}`
    : r.rtol !== undefined
      ? `rtol ${short(r.rtol)}`
      : `dt ${short(r.dt)}`;
const side = (r: BenchRow) =>
  r.channels > 1 ? `${r.channels}×${r.rows}×${r.cols}` : `${r.rows}×${r.cols}`;

/** The fastest row with error ≤ MATCHED_ERROR, if any. */
export function fastestMatched(rows: readonly BenchRow[]): BenchRow | undefined {
  return rows.filter((r) => r.error <= MATCHED_ERROR).sort((a, b) => a.wallMs - b.wallMs)[0];
}

function environmentLine(rows: readonly BenchRow[]): string {
  const r = rows[0];
  const loads = rows.map((x) => x.load);
  return (
    `Run ${r.runId} on ${r.env.machine} (${r.env.cores} cores), Node ${r.env.node}, commit ` +
    `\`${r.env.commit.slice(0, 10)}\`${r.env.dirty ? " + uncommitted changes" : ""}; load average during the run ` +
    `${Math.min(...loads).toFixed(1)}–${Math.max(...loads).toFixed(1)}. Command: \`${r.env.command}\`.`
  );
}

/** Per size: ngspice and cellspice at matched accuracy and the ratio, then every row. */
export function scalingSection(rows: readonly BenchRow[]): string {
  const sizes = [...new Set(rows.map((r) => r.rows))].sort((a, b) => a - b);
  const lines = [
    environmentLine(rows),
    "",
    `Matched accuracy: final-state error max|x(T) − x_ref(T)| ≤ ${short(MATCHED_ERROR)}; each engine's fastest setting that reaches it.`,
    "",
    "| array | ngspice setting | ngspice time | ngspice error | cellspice setting | cellspice time | cellspice error | speed-up |",
    "|---|---|---|---|---|---|---|---|",
  ];
  for (const n of sizes) {
    const at = rows.filter((r) => r.rows === n);
    const ng = fastestMatched(at.filter((r) => r.engine === "ngspice"));
    const cs = fastestMatched(at.filter((r) => r.engine === "cellspice"));
    lines.push(
      `| ${n}×${n} | ${ng ? setting(ng) : "—"} | ${ng ? ms(ng.wallMs) : "—"} | ${ng ? sci(ng.error) : ""} | ` +
        `${cs ? `${cs.solver} ${setting(cs)}` : "—"} | ${cs ? ms(cs.wallMs) : "—"} | ${cs ? sci(cs.error) : ""} | ` +
        `${ng && cs ? `${Math.round(ng.wallMs / cs.wallMs).toLocaleString("en-US")}×` : ""} |`,
    );
  }
  lines.push("", ...userToleranceTable(rows, sizes));
  lines.push("", "<details><summary>Every case</summary>", "", ...rowTable(rows), "", "</details>");
  return lines.join("\n");
}

/**
 * DOPRI5 at the tolerance a user would set without a reference (USER_RTOL, atol = rtol/100),
 * against ngspice at matched accuracy: cellspice's step is the solver's own choice, not the
 * fastest setting that the reference allows.
 */
export const USER_RTOL = 1e-4;

function userToleranceTable(rows: readonly BenchRow[], sizes: readonly number[]): string[] {
  const isUser = (r: BenchRow) =>
    r.engine === "cellspice" &&
    r.solver === "dopri5" &&
    r.rtol !== undefined &&
    Math.abs(r.rtol / USER_RTOL - 1) < 1e-9;
  if (!rows.some(isUser)) return [];
  const lines = [
    `DOPRI5 at a user's tolerance, fixed in advance (rtol ${short(USER_RTOL)}, atol ${short(Number((USER_RTOL / 100).toPrecision(3)))}; its error as it comes out, not chosen against the reference), against ngspice at matched accuracy:`,
    "",
    "| array | ngspice setting | ngspice time | ngspice error | dopri5 steps (rejected) | dopri5 time | dopri5 error | speed-up |",
    "|---|---|---|---|---|---|---|---|",
  ];
  for (const n of sizes) {
    const at = rows.filter((r) => r.rows === n);
    const ng = fastestMatched(at.filter((r) => r.engine === "ngspice"));
    const cs = at.find(isUser);
    if (!cs) continue;
    lines.push(
      `| ${n}×${n} | ${ng ? setting(ng) : "—"} | ${ng ? ms(ng.wallMs) : "—"} | ${ng ? sci(ng.error) : ""} | ` +
        `${cs.steps ?? ""}${cs.rejectedSteps ? ` (${cs.rejectedSteps})` : ""} | ${ms(cs.wallMs)} | ${sci(cs.error)} | ` +
        `${ng ? `${Math.round(ng.wallMs / cs.wallMs).toLocaleString("en-US")}×` : ""} |`,
    );
  }
  return lines;
}

function rowTable(rows: readonly BenchRow[]): string[] {
  const out = [
    "| array | engine | solver | setting | steps (rejected) | rhs evals | time (median) | min | repeats | error x(T) | error w(T) |",
    "|---|---|---|---|---|---|---|---|---|---|---|",
  ];
  for (const r of rows) {
    out.push(
      `| ${side(r)} | ${r.engine} | ${r.solver} | ${setting(r)} | ${r.steps ?? ""}${r.rejectedSteps ? ` (${r.rejectedSteps})` : ""} | ` +
        `${r.rhsEvaluations ?? ""} | ${ms(r.wallMs)} | ${ms(r.wallMsMin)} | ${r.repeats} | ${sci(r.error)} | ${sci(r.errorW)} |`,
    );
  }
  return out;
}

/** Multi-channel throughput: cell updates per second and fraction of the FLOP peaks. */
export function multichannelSection(rows: readonly BenchRow[]): string {
  const lines = [
    environmentLine(rows),
    "",
    "| array | solver | setting | steps | rhs evals | time (median) | error x(T) | cell updates/s | stencil GFLOP/s | of vector peak | of scalar peak |",
    "|---|---|---|---|---|---|---|---|---|---|---|",
  ];
  const peaks = machinePeaks(rows[0].env);
  lines.splice(
    1,
    0,
    "",
    `Peaks assumed: vector ${peaks.vectorPeak.toFixed(0)} GFLOP/s (16 DP FLOP/cycle/core × ${rows[0].env.cores} cores × ${rows[0].env.cpuGHz.toFixed(2)} GHz), ` +
      `scalar ${peaks.scalarPeak.toFixed(1)} GFLOP/s (4 FLOP/cycle, one core).`,
  );
  for (const r of rows) {
    const e = r.extra ?? {};
    const num = (k: string) => Number(e[k]);
    lines.push(
      `| ${side(r)} | ${r.solver} | ${setting(r)} | ${r.steps} | ${r.rhsEvaluations} | ${ms(r.wallMs)} | ${sci(r.error)} | ` +
        `${(num("cellUpdatesPerSecond") / 1e6).toPrecision(2)} M | ${num("stencilGflops").toFixed(2)} | ` +
        `${((100 * num("stencilGflops")) / peaks.vectorPeak).toFixed(1)} % | ${((100 * num("stencilGflops")) / peaks.scalarPeak).toFixed(0)} % |`,
    );
  }
  const scales = [
    ...new Set(rows.map((r) => `${side(r)}: ${Number(r.extra?.stateScale).toFixed(2)}`)),
  ];
  lines.push("", `Size of the states, max |x_ref(T)| (errors are absolute): ${scales.join(", ")}.`);
  return lines.join("\n");
}

/** M-CellNN: every solver setting, with steps and both errors. */
export function memristorSection(rows: readonly BenchRow[]): string {
  const lines = [environmentLine(rows), "", ...rowTable(rows)];
  const switched = rows[0]?.extra?.switched;
  if (switched !== undefined)
    lines.push(
      "",
      "Memristors switched ON (w(T) > 0.3) per size: " +
        [...new Set(rows.map((r) => `${side(r)}: ${r.extra?.switched}/${r.dim / 2}`))].join(", ") +
        ".",
    );
  return lines.join("\n");
}

/** Wall time against cells for ngspice and cellspice at matched accuracy (null without rows). */
export function scalingFigure(rows: readonly BenchRow[]): string | null {
  const sizes = [...new Set(rows.map((r) => r.rows))];
  const series: ScalingSeries[] = [
    { label: "ngspice (max step for ≤ 1e-4)", engine: "ngspice", points: [] },
    { label: "cellspice (fastest setting for ≤ 1e-4)", engine: "cellspice", points: [] },
    { label: "cellspice dopri5 rtol 1e-6", engine: "cellspice", dashed: true, points: [] },
  ];
  for (const n of sizes) {
    const at = rows.filter((r) => r.rows === n);
    const ng = fastestMatched(at.filter((r) => r.engine === "ngspice"));
    const cs = fastestMatched(at.filter((r) => r.engine === "cellspice"));
    const tight = at.find((r) => r.solver === "dopri5" && r.rtol === 1e-6);
    if (ng) series[0].points.push([n * n * ng.channels, ng.wallMs / 1000]);
    if (cs) series[1].points.push([n * n * cs.channels, cs.wallMs / 1000]);
    if (tight) series[2].points.push([n * n * tight.channels, tight.wallMs / 1000]);
  }
  const used = series.filter((s) => s.points.length > 0);
  return used.length
    ? scalingPlot(used, "Single-channel CellNN over T = 1τ: wall time against cells")
    : null;
}
