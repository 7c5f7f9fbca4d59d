import { ValidationError } from "../core/errors.js";
import { padPlanes } from "./pad.js";
import { checkParam, checkSize, checkTensor, type Tensor4, tensor4 } from "./tensor.js";

export interface Conv2dOptions {
  /** Output channels C_out. */
  readonly cOut: number;
  /** Kernel size k (square, any k ≥ 1). */
  readonly k: number;
  /** Zero padding p ≥ 0 on every side (default 0). */
  readonly padding?: number;
}

/**
 * 2-D cross-correlation with stride 1, as torch.nn.functional.conv2d:
 * y[b,o,i,j] = bias[o] + Σ_c Σ_{u,v<k} W[o,c,u,v] · x_pad[b,c,i+u,j+v], with x zero-padded by p,
 * so the output is (H+2p−k+1) × (W+2p−k+1). `weight` is C_out×C_in×k×k, `bias` C_out or absent.
 */
export function conv2d(
  x: Tensor4,
  weight: Float64Array,
  bias: Float64Array | undefined,
  options: Conv2dOptions,
): Tensor4 {
  const op = "conv2d";
  checkTensor(op, "x", x);
  const cOut = checkSize(op, "cOut", options.cOut, 1);
  const k = checkSize(op, "k", options.k, 1);
  const p = checkSize(op, "padding", options.padding ?? 0, 0);
  const cIn = x.c;
  checkParam(op, "weight", weight, cOut * cIn * k * k, `C_out×C_in×k×k = ${cOut}×${cIn}×${k}×${k}`);
  if (bias !== undefined) checkParam(op, "bias", bias, cOut, `C_out = ${cOut}`);
  const hp = x.h + 2 * p;
  const wp = x.w + 2 * p;
  const oh = hp - k + 1;
  const ow = wp - k + 1;
  if (oh < 1 || ow < 1)
    throw new ValidationError(
      `${op}.k`,
      `kernel ${k} larger than the padded input ${hp}×${wp}`,
      `k ≤ min(H, W) + 2·padding`,
    );
  const y = tensor4(x.n, cOut, oh, ow);
  const xp = new Float64Array(cIn * hp * wp);
  const plane = oh * ow;
  for (let b = 0; b < x.n; b++) {
    padPlanes(x.data, b * cIn * x.h * x.w, cIn, x.h, x.w, p, xp);
    for (let o = 0; o < cOut; o++) {
      const out = y.data.subarray((b * cOut + o) * plane, (b * cOut + o + 1) * plane);
      out.fill(bias === undefined ? 0 : bias[o]);
      for (let c = 0; c < cIn; c++) {
        const wAt = (o * cIn + c) * k * k;
        const xAt = c * hp * wp;
        if (k === 3) accumulate3(out, oh, ow, xp, xAt, wp, weight, wAt);
        else accumulateK(out, oh, ow, xp, xAt, wp, weight, wAt, k);
      }
    }
  }
  return y;
}

/** out[i,j] += Σ_{u,v<3} w[u,v]·xp[i+u, j+v], the 3×3 window held in registers. */
function accumulate3(
  out: Float64Array,
  oh: number,
  ow: number,
  xp: Float64Array,
  xAt: number,
  wp: number,
  w: Float64Array,
  wAt: number,
): void {
  const w00 = w[wAt];
  const w01 = w[wAt + 1];
  const w02 = w[wAt + 2];
  const w10 = w[wAt + 3];
  const w11 = w[wAt + 4];
  const w12 = w[wAt + 5];
  const w20 = w[wAt + 6];
  const w21 = w[wAt + 7];
  const w22 = w[wAt + 8];
  for (let i = 0; i < oh; i++) {
    const r0 = xAt + i * wp;
    const r1 = r0 + wp;
    const r2 = r1 + wp;
    const o = i * ow;
    for (let j = 0; j < ow; j++) {
      out[o + j] +=
        w00 * xp[r0 + j] +
        w01 * xp[r0 + j + 1] +
        w02 * xp[r0 + j + 2] +
        w10 * xp[r1 + j] +
        w11 * xp[r1 + j + 1] +
        w12 * xp[r1 + j + 2] +
        w20 * xp[r2 + j] +
        w21 * xp[r2 + j + 1] +
        w22 * xp[r2 + j + 2];
    }
  }
}

/** out[i,j] += Σ_{u,v<k} w[u,v]·xp[i+u, j+v], one kernel tap at a time over a row. */
function accumulateK(
  out: Float64Array,
  oh: number,
  ow: number,
  xp: Float64Array,
  xAt: number,
  wp: number,
  w: Float64Array,
  wAt: number,
  k: number,
): void {
  for (let i = 0; i < oh; i++) {
    const o = i * ow;
    for (let u = 0; u < k; u++) {
      const r = xAt + (i + u) * wp;
      for (let v = 0; v < k; v++) {
        const wv = w[wAt + u * k + v];
        const s = r + v;
        for (let j = 0; j < ow; j++) out[o + j] += wv * xp[s + j];
      }
    }
  }
}
