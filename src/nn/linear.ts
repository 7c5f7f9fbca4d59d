import { ValidationError } from "../core/errors.js";
import { checkParam, checkSize } from "./tensor.js";

export interface LinearShape {
  /** Rows of x (the batch). */
  readonly n: number;
  /** Input features. */
  readonly in: number;
  /** Output features. */
  readonly out: number;
}

/**
 * A fully connected layer, as torch.nn.functional.linear: y = x·Wᵀ + b, with x n×in, W out×in
 * (PyTorch's layout), b out values or absent; y is n×out, row-major.
 */
export function linear(
  x: Float64Array,
  weight: Float64Array,
  bias: Float64Array | undefined,
  shape: LinearShape,
): Float64Array {
  const op = "linear";
  const n = checkSize(op, "n", shape.n, 1);
  const nIn = checkSize(op, "in", shape.in, 1);
  const nOut = checkSize(op, "out", shape.out, 1);
  if (!(x instanceof Float64Array) || x.length !== n * nIn)
    throw new ValidationError(
      `${op}.x`,
      x instanceof Float64Array ? `${x.length} values` : "not a Float64Array",
      `a Float64Array of n×in = ${n}×${nIn} = ${n * nIn} values`,
    );
  checkParam(op, "weight", weight, nOut * nIn, `out×in = ${nOut}×${nIn}`);
  if (bias !== undefined) checkParam(op, "bias", bias, nOut, `out = ${nOut}`);
  const y = new Float64Array(n * nOut);
  for (let r = 0; r < n; r++) {
    const xAt = r * nIn;
    for (let o = 0; o < nOut; o++) {
      const wAt = o * nIn;
      let s = 0;
      for (let i = 0; i < nIn; i++) s += x[xAt + i] * weight[wAt + i];
      y[r * nOut + o] = bias === undefined ? s : s + bias[o];
    }
  }
  return y;
}
