import { join } from "node:path";
import { type CosimResult, cosimSummary } from "../cosim/cosim.js";
import { renderReport } from "../plot/report.js";
import { writeFileAtomic } from "./atomicWrite.js";
import { cosimFigures } from "./figures.js";
import { type CosimReportOptions, reportFromCosim } from "./fromCosim.js";
import { writeFigures } from "./writeFigures.js";

/** What `writeCosimOutputs` wrote, by role. */
export interface CosimFiles {
  summary: string;
  report: string;
  netlist: string;
  figures: string[];
}

/**
 * Writes a co-simulation into `dir`: cosim.json (cosimSummary, plus `extra` fields),
 * report.html (self-contained), circuit.cir (the netlist ngspice ran) and the static SVG
 * figures (`cells`: the cells drawn in waveforms.svg; `memristorCell`: the memristor of the
 * i–v figures). Every file is written atomically.
 */
export async function writeCosimOutputs(
  dir: string,
  r: CosimResult,
  o: CosimReportOptions & { extra?: Record<string, unknown>; cells?: readonly number[] } = {},
): Promise<CosimFiles> {
  const figures = cosimFigures(r, { cells: o.cells, memristorCell: o.memristorCell });
  const inReport = figures.filter((f) => f.file === "memristor-w.svg");
  const html = renderReport(
    reportFromCosim(r, {
      ...o,
      figures: inReport.map((f) => ({ title: f.title, svg: f.svg, caption: f.caption })),
    }),
  );
  const files: CosimFiles = {
    summary: join(dir, "cosim.json"),
    report: join(dir, "report.html"),
    netlist: join(dir, "circuit.cir"),
    figures: [],
  };
  await writeFileAtomic(
    files.summary,
    `${JSON.stringify({ ...cosimSummary(r), ...o.extra }, null, 2)}\n`,
  );
  await writeFileAtomic(files.report, html);
  await writeFileAtomic(files.netlist, r.netlist);
  files.figures = await writeFigures(dir, figures);
  return files;
}
