/**
 * How far a trained layer's own discrete solver (the one it was trained with, e.g. RK4 × 2) is
 * from the continuous cell that a circuit computes, for every cellular layer of an export:
 * `npx tsx scripts/layer-discretisation.ts test/fixtures/models/cellnn-mnist`.
 * Prints a markdown table (docs/mapping.md).
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { applyOutput } from "../src/cells/output.js";
import { createCellSystem } from "../src/cells/system.js";
import { solve } from "../src/solvers/solve.js";
import { layerArray, parseSafetensors, validateUnetManifest } from "../src/trained/index.js";
import { integrateTrained } from "../src/unet/trainedIntegration.js";

const dir = process.argv[2] ?? "test/fixtures/models/cellnn-mnist";
const manifest = validateUnetManifest(JSON.parse(readFileSync(join(dir, "manifest.json"), "utf8")));
const tensors = parseSafetensors(readFileSync(join(dir, manifest.tensors_file))).tensors;
const golden = parseSafetensors(
  readFileSync(join(dir, manifest.golden?.file ?? "golden.safetensors")),
).tensors;

console.log(
  `| layer | cells (C×H×W) | trained solver | max \\|y\\| | max \\|y_trained − y_cell\\| | relative |`,
);
console.log("|---|---|---|---|---|---|");
for (const layer of manifest.cell_layers) {
  const t = golden.get(`layers.${layer.name}.input`);
  if (!t) throw new Error(`golden data lacks layers.${layer.name}.input`);
  const [, cin, rows, cols] = t.shape;
  const array = layerArray(manifest, tensors, layer.name, {
    data: t.data.subarray(0, cin * rows * cols),
    rows,
    cols,
  });
  const sys = createCellSystem(array);
  const T = layer.cell.T;
  const trained = integrateTrained(sys, sys.initialState(), layer.cell);
  const { method, steps } = layer.cell.solver;
  const exact = solve(sys, {
    method: "dopri5",
    t0: 0,
    t1: T,
    y0: sys.initialState(),
    tEval: [T],
    rtol: 1e-10,
    atol: 1e-12,
  }).y;
  let diff = 0;
  let scale = 0;
  for (let p = 0; p < sys.cells; p++) {
    const yt = applyOutput(array.output, trained[p]);
    diff = Math.max(diff, Math.abs(yt - applyOutput(array.output, exact[p])));
    scale = Math.max(scale, Math.abs(yt));
  }
  console.log(
    `| ${layer.name} | ${array.channels}×${rows}×${cols} | ${method} × ${steps} | ${scale.toFixed(3)} | ${diff.toExponential(2)} | ${(diff / scale).toExponential(2)} |`,
  );
}
