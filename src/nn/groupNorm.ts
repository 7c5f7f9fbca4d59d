import { ValidationError } from "../core/errors.js";
import { checkEps, checkParam, checkSize, checkTensor, type Tensor4, tensor4 } from "./tensor.js";

/**
 * GroupNorm as torch.nn.GroupNorm(groups, C): the C channels fall into `groups` groups of C/G
 * consecutive channels; each batch element's group is normalised by its own mean μ and biased
 * variance σ² over (C/G)·H·W values, y = (x − μ)/√(σ² + ε) · γ_c + β_c. `weight` (γ) and `bias`
 * (β) are C values each, or absent (γ = 1, β = 0).
 */
export function groupNorm(
  x: Tensor4,
  groups: number,
  weight: Float64Array | undefined,
  bias: Float64Array | undefined,
  eps = 1e-5,
): Tensor4 {
  const op = "groupNorm";
  checkTensor(op, "x", x);
  const C = x.c;
  const G = checkSize(op, "groups", groups, 1);
  if (C % G !== 0)
    throw new ValidationError(`${op}.groups`, `${G} groups of ${C} channels`, "a divisor of C");
  if (weight !== undefined) checkParam(op, "weight", weight, C, `C = ${C}`);
  if (bias !== undefined) checkParam(op, "bias", bias, C, `C = ${C}`);
  checkEps(op, eps);
  const y = tensor4(x.n, C, x.h, x.w);
  const plane = x.h * x.w;
  const perGroup = C / G;
  const count = perGroup * plane;
  for (let b = 0; b < x.n; b++) {
    for (let g = 0; g < G; g++) {
      const at = (b * C + g * perGroup) * plane;
      let sum = 0;
      for (let q = at; q < at + count; q++) sum += x.data[q];
      const mu = sum / count;
      let squares = 0;
      for (let q = at; q < at + count; q++) {
        const d = x.data[q] - mu;
        squares += d * d;
      }
      const inv = 1 / Math.sqrt(squares / count + eps);
      for (let cc = 0; cc < perGroup; cc++) {
        const c = g * perGroup + cc;
        const scale = (weight === undefined ? 1 : weight[c]) * inv;
        const shift = bias === undefined ? 0 : bias[c];
        const from = at + cc * plane;
        for (let q = from; q < from + plane; q++) y.data[q] = (x.data[q] - mu) * scale + shift;
      }
    }
  }
  return y;
}
