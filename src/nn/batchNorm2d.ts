import { checkEps, checkParam, checkTensor, type Tensor4, tensor4 } from "./tensor.js";

/** The parameters and running statistics of a BatchNorm2d layer, C values each. */
export interface BatchNormParams {
  readonly weight: Float64Array;
  readonly bias: Float64Array;
  readonly runningMean: Float64Array;
  readonly runningVar: Float64Array;
  /** Added to the variance (PyTorch's default 1e-5). */
  readonly eps?: number;
}

/**
 * BatchNorm2d in eval mode, as PyTorch: each channel is normalised by its running statistics,
 * y = (x − μ_c) / √(σ²_c + ε) · γ_c + β_c.
 */
export function batchNorm2dEval(x: Tensor4, params: BatchNormParams): Tensor4 {
  const op = "batchNorm2dEval";
  checkTensor(op, "x", x);
  const C = x.c;
  const layout = `C = ${C}`;
  const gamma = checkParam(op, "weight", params.weight, C, layout);
  const beta = checkParam(op, "bias", params.bias, C, layout);
  const mean = checkParam(op, "runningMean", params.runningMean, C, layout);
  const variance = checkParam(op, "runningVar", params.runningVar, C, layout);
  const eps = checkEps(op, params.eps ?? 1e-5);
  const y = tensor4(x.n, C, x.h, x.w);
  const plane = x.h * x.w;
  for (let b = 0; b < x.n; b++) {
    for (let c = 0; c < C; c++) {
      const scale = gamma[c] / Math.sqrt(variance[c] + eps);
      const mu = mean[c];
      const shift = beta[c];
      const at = (b * C + c) * plane;
      for (let q = at; q < at + plane; q++) y.data[q] = (x.data[q] - mu) * scale + shift;
    }
  }
  return y;
}
