import { type CellRectangle, fitsGrid } from "../cells/rectangle.js";
import type { CellArray } from "../cells/spec.js";
import { ValidationError } from "../core/errors.js";
import type { TrainedExport } from "./exportDir.js";
import { layerArray } from "./unetExport.js";

/** A window of a layer: `rows` × `cols` cells from (row0, col0). */
export type LayerWindow = CellRectangle;

/**
 * A trained layer on a window of its golden input (the first batch element): the layer's own
 * templates, bias, output and boundary on a smaller grid, every channel. It is a layer in its own
 * right (its edge is the layer's boundary, not the neighbouring cells), small enough for ngspice to
 * solve as one netlist, which is how tiling is checked against the whole-layer netlist
 * (test/cosim/layerCosim.test.ts, scripts/tiled-vs-whole.ts).
 */
export function goldenWindowLayer(exp: TrainedExport, layer: string, w: LayerWindow): CellArray {
  const name = `layers.${layer}.input`;
  const t = exp.golden?.get(name);
  if (!t) throw new ValidationError("golden", `no tensor ${name}`, "an export with golden data");
  const [, cin, rows, cols] = t.shape;
  if (!fitsGrid(w, rows, cols)) {
    throw new ValidationError(
      "window",
      `${w.rows}×${w.cols} at (${w.row0}, ${w.col0})`,
      `a window inside the layer's ${rows}×${cols} cells`,
    );
  }
  const data = new Float64Array(cin * w.rows * w.cols);
  for (let c = 0; c < cin; c++)
    for (let i = 0; i < w.rows; i++)
      for (let j = 0; j < w.cols; j++)
        data[(c * w.rows + i) * w.cols + j] = t.data[(c * rows + i + w.row0) * cols + j + w.col0];
  return layerArray(exp.manifest, exp.tensors, layer, { data, rows: w.rows, cols: w.cols });
}
