import { batchNorm2dEvalInPlace } from "../nn/batchNorm2d.js";
import { conv2d } from "../nn/conv2d.js";
import { geluInPlace } from "../nn/gelu.js";
import type { Tensor4 } from "../nn/tensor.js";
import type { Unet } from "./unet.js";
import { weight } from "./weights.js";

/**
 * The conv backbone's block (training/unet.py ResidualConvBlock): x1 = GELU(BN(conv3×3(x))),
 * x2 = GELU(BN(conv3×3(x1))); the output is x2, or, when residual, (skip + x2)/1.414 with
 * skip = x if C_in = C_out else x1 (the reference's constant 1.414, not √2). BatchNorm in eval
 * mode with the running statistics, ε = 1e-5. `precision` is the convolutions' (conv2d's).
 */
export function residualConvBlock(
  unet: Unet,
  name: string,
  x: Tensor4,
  cOut: number,
  residual: boolean,
  precision?: "float64" | "float32",
): Tensor4 {
  const stage = (input: Tensor4, conv: "conv1" | "conv2"): Tensor4 => {
    const p = `${name}.${conv}`;
    const y = conv2d(input, weight(unet, `${p}.0.weight`), weight(unet, `${p}.0.bias`), {
      cOut,
      k: 3,
      padding: 1,
      precision,
    });
    batchNorm2dEvalInPlace(y, {
      weight: weight(unet, `${p}.1.weight`),
      bias: weight(unet, `${p}.1.bias`),
      runningMean: weight(unet, `${p}.1.running_mean`),
      runningVar: weight(unet, `${p}.1.running_var`),
      eps: 1e-5,
    });
    geluInPlace(y.data);
    return y;
  };
  const x1 = stage(x, "conv1");
  const x2 = stage(x1, "conv2");
  if (!residual) return x2;
  const skip = x.c === cOut ? x : x1;
  const out = x2.data; // x2 is this block's own tensor: the sum is written over it
  // biome-ignore lint/suspicious/noApproximativeNumericConstant: the reference's 1.414, not √2
  const scale = 1.414;
  for (let q = 0; q < out.length; q++) out[q] = (skip.data[q] + out[q]) / scale;
  return x2;
}
