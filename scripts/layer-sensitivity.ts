/**
 * Which layers are sensitive (docs/hardware.md, "Which layers, and which network"): one table
 * per swept point, joining
 *   - the layer's own output change (relative RMS against the ideal cell on its golden input:
 *     `bench/hardware.ts layers`, docs/hardware/layers.jsonl), both fixtures, mean over seeds;
 *   - with a per-layer sweep's rows (one layer on the circuit, the others ideal), the images'
 *     pixel RMSE against the ideal images (95 % CI) and the fraction of labels changed, and their
 *     ratio to the local change: how much of a layer's error reaches the image.
 *
 *     npx tsx scripts/layer-sensitivity.ts --point '{"mismatch.sigma":0.05}' \
 *         [--rows docs/hardware/sweep-cellnn-100-layers-mismatch.jsonl]
 *
 * The layer-by-layer rows are those of the weights the table is about: for the CellNN, the
 * weights of the sweep's rows (`--rows`) or else the committed fixture's; for the M-CellNN, the
 * committed fixture's (layers.jsonl holds the rows of every fixture it was run on).
 */
import { readFileSync } from "node:fs";
import { Command } from "commander";
import { formatNumber } from "../src/plot/svgText.js";
import { readHardwareRows } from "../src/report/hardwareReport.js";
import { summarisePoints } from "../src/report/hardwareStats.js";
import { exportWeightsSha256 } from "../src/trained/exportDir.js";

const program = new Command("layer-sensitivity")
  .requiredOption("--point <json>", 'the profile point, e.g. {"mismatch.sigma":0.05}')
  .option("--local <file>", "layer-by-layer rows", "docs/hardware/layers.jsonl")
  .option("--rows <file>", "rows of a per-layer hardware sweep (the CellNN fixture)")
  .parse();
const opts = program.opts();
const point = JSON.parse(opts.point);
const [axis, value] = Object.entries(point)[0];

interface LocalRow {
  fixture: string;
  weightsSha256?: string;
  layer: string;
  axis: string;
  value: unknown;
  relRms: number;
}
const sweepRows = opts.rows ? readHardwareRows(opts.rows) : [];
const weightsOf = (which: string) =>
  which === "cellnn" && sweepRows[0]?.weightsSha256
    ? sweepRows[0].weightsSha256
    : exportWeightsSha256(`test/fixtures/models/${which}-mnist`);
const weights = { cellnn: weightsOf("cellnn"), mcellnn: weightsOf("mcellnn") };
const local = new Map<string, number[]>();
const layers: string[] = [];
for (const line of readFileSync(opts.local, "utf8").split("\n")) {
  if (!line.trim()) continue;
  const r = JSON.parse(line) as LocalRow;
  if (r.axis !== axis || JSON.stringify(r.value) !== JSON.stringify(value)) continue;
  if (r.weightsSha256 !== weights[r.fixture as keyof typeof weights]) continue;
  if (!layers.includes(r.layer)) layers.push(r.layer);
  const k = `${r.fixture}/${r.layer}`;
  local.set(k, [...(local.get(k) ?? []), r.relRms]);
}
const mean = (v: readonly number[] | undefined) =>
  v?.length ? v.reduce((s, x) => s + x, 0) / v.length : Number.NaN;
const sweep = opts.rows ? summarisePoints(sweepRows).points : [];
const f = (v: number) => (Number.isFinite(v) ? formatNumber(v, 3) : "–");

const header = [
  "layer",
  "own output change, CellNN",
  "M-CellNN",
  ...(opts.rows
    ? [
        "image RMSE, this layer alone on the circuit (95 % CI)",
        "labels changed",
        "image RMSE ÷ own change",
      ]
    : []),
];
console.log(`| ${header.join(" | ")} |`);
console.log(`|${header.map(() => "---").join("|")}|`);
for (const layer of [...layers, ...(opts.rows ? ["all"] : [])]) {
  const cell = mean(local.get(`cellnn/${layer}`));
  const mem = mean(local.get(`mcellnn/${layer}`));
  const cols = [layer === "all" ? "all 7" : `\`${layer}\``, f(cell), f(mem)];
  if (opts.rows) {
    const p = sweep.find((s) => s.layer === layer);
    cols.push(
      p ? `${f(p.rmse.mean)} [${f(p.rmse.lo)}, ${f(p.rmse.hi)}]` : "–",
      p ? `${Math.round((1 - p.sameLabel.fraction) * p.samples)}/${p.samples}` : "–",
      p && layer !== "all" ? f(p.rmse.mean / cell) : "–",
    );
  }
  console.log(`| ${cols.join(" | ")} |`);
}
