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
  const y = tensor4(x.n, x.c, x.h, x.w);
  normalise("batchNorm2dEval", x, params, y.data);
  return y;
}

/** batchNorm2dEval written over x itself (the same values; no new tensor). */
export function batchNorm2dEvalInPlace(x: Tensor4, params: BatchNormParams): void {
  normalise("batchNorm2dEvalInPlace", x, params, x.data);
}

function normalise(op: string, x: Tensor4, params: BatchNormParams, out: Float64Array): void {
  checkTensor(op, "x", x);
  const C = x.c;
  const layout = `C = ${C}`;
  const gamma = checkParam(op, "weight", params.weight, C, layout);
  const beta = checkParam(op, "bias", params.bias, C, layout);
  const mean = checkParam(op, "runningMean", params.runningMean, C, layout);
  const variance = checkParam(op, "runningVar", params.runningVar, C, layout);
  const eps = checkEps(op, params.eps ?? 1e-5);
  const plane = x.h * x.w;
  const data = x.data;
  for (let b = 0; b < x.n; b++) {
    for (let c = 0; c < C; c++) {
      const scale = gamma[c] / Math.sqrt(variance[c] + eps);
      const mu = mean[c];
      const shift = beta[c];
      const at = (b * C + c) * plane;
      for (let q = at; q < at + plane; q++) out[q] = (data[q] - mu) * scale + shift;
    }
  }
}
