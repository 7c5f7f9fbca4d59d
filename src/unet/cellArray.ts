import { withInput } from "../cells/limits.js";
import type { CellArray } from "../cells/spec.js";
import type { Tensor } from "../trained/safetensors.js";
import { layerArray, type UnetManifest } from "../trained/unetExport.js";
import type { BatchShape, TrainedCellLayer } from "./layerEngine.js";

/**
 * The cellspice array of a trained layer acting on batch element `k` of u (C_in×H×W), built by
 * src/trained's `layerArray` — the same code path as the single-layer parity checks — from the
 * layer's own manifest entry and templates. Given `first`, the array of another element of the
 * same batch, the templates, states and memristor are taken from it and only the input is
 * checked (withInput): the same array as building it anew, without validating the templates
 * once per element.
 */
export function batchElementArray(
  layer: TrainedCellLayer,
  u: Float64Array,
  shape: BatchShape,
  k: number,
  first?: CellArray,
): CellArray {
  const { spec } = layer;
  const per = shape.channels * shape.rows * shape.cols;
  if (first !== undefined) return withInput(first, u.subarray(k * per, (k + 1) * per));
  const tensor = (data: Float64Array, shape: number[]): Tensor => ({ dtype: "F64", shape, data });
  const tensors = new Map<string, Tensor>([
    [spec.templates.A, tensor(layer.A, [spec.c_out, spec.c_out, 3, 3])],
    [spec.templates.B, tensor(layer.B, [spec.c_out, spec.c_in, 3, 3])],
    [spec.templates.z, tensor(layer.z, [spec.c_out])],
  ]);
  const manifest = { cell_layers: [spec] } as unknown as UnetManifest;
  return layerArray(manifest, tensors, spec.name, {
    data: u.subarray(k * per, (k + 1) * per),
    rows: shape.rows,
    cols: shape.cols,
  });
}
