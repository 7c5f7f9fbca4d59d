import { type HardwareProfile, idealProfile, withProfile } from "../../src/hardware/profile.js";
import type { TrainedCellLayer } from "../../src/unet/index.js";
import { loadUnet } from "../../src/unet/index.js";

export const FIXTURES = {
  cellnn: "test/fixtures/models/cellnn-mnist",
  mcellnn: "test/fixtures/models/mcellnn-mnist",
} as const;

const cache = new Map<string, ReturnType<typeof loadUnet>>();

/** A fixture's UNet, loaded once per test file. */
export function fixture(which: keyof typeof FIXTURES): ReturnType<typeof loadUnet> {
  let u = cache.get(which);
  if (!u) {
    u = loadUnet(FIXTURES[which]);
    cache.set(which, u);
  }
  return u;
}

/** A layer's golden input and its batch shape. */
export function goldenInput(
  unet: ReturnType<typeof loadUnet>,
  layer: TrainedCellLayer,
): { u: Float64Array; shape: { batch: number; channels: number; rows: number; cols: number } } {
  const t = unet.golden?.get(`layers.${layer.spec.name}.input`);
  if (!t) throw new Error(`golden data lack layers.${layer.spec.name}.input`);
  const [batch, channels, rows, cols] = t.shape;
  return { u: t.data, shape: { batch, channels, rows, cols } };
}

/** Whether two arrays hold the same bits (NaN never equal). */
export function sameBits(a: Float64Array, b: Float64Array): boolean {
  if (a.length !== b.length) return false;
  for (let k = 0; k < a.length; k++)
    if (!Object.is(a[k], b[k]) && !(a[k] === 0 && b[k] === 0)) return false;
  return true;
}

/** A crop rows0..rows0+h × cols0..cols0+w of every channel of a batch (small, fast test inputs). */
export function crop(
  u: Float64Array,
  shape: { batch: number; channels: number; rows: number; cols: number },
  h: number,
  w: number,
  r0 = 0,
  c0 = 0,
): { u: Float64Array; shape: { batch: number; channels: number; rows: number; cols: number } } {
  const { batch, channels, rows, cols } = shape;
  const out = new Float64Array(batch * channels * h * w);
  for (let b = 0; b < batch; b++)
    for (let c = 0; c < channels; c++)
      for (let i = 0; i < h; i++)
        for (let j = 0; j < w; j++)
          out[((b * channels + c) * h + i) * w + j] =
            u[((b * channels + c) * rows + r0 + i) * cols + c0 + j];
  return { u: out, shape: { batch, channels, rows: h, cols: w } };
}

/**
 * A small synthetic cellular layer (CellNN, leaky f, fixed boundary, T = 1) with the given
 * templates: A C×C×3×3, B C×C_in×3×3, z C.
 */
export function syntheticLayer(
  name: string,
  cIn: number,
  cOut: number,
  A: Float64Array,
  B: Float64Array,
  z: Float64Array,
): TrainedCellLayer {
  return {
    spec: {
      name,
      c_in: cIn,
      c_out: cOut,
      templates: { A: `${name}.A`, B: `${name}.B`, z: `${name}.z` },
      cell: {
        output: { function: "leaky", alpha: 0.01 },
        T: 1,
        solver: { method: "rk4", steps: 2 },
        boundary: "fixed",
        x0: "zero",
        memristor: null,
      },
    },
    A,
    B,
    z,
  };
}

/** Mean and sample standard deviation. */
export function meanStd(v: ArrayLike<number>): { mean: number; std: number; n: number } {
  const n = v.length;
  let s = 0;
  for (let k = 0; k < n; k++) s += v[k];
  const mean = s / n;
  let q = 0;
  for (let k = 0; k < n; k++) q += (v[k] - mean) ** 2;
  return { mean, std: Math.sqrt(q / (n - 1)), n };
}

/** A profile with mismatch, offsets, quantisation and stuck cells on (the in-memory solve tests). */
export function severalNonIdealities(): HardwareProfile {
  return withProfile(
    idealProfile(),
    {
      "mismatch.sigma": 0.05,
      "offset.sigma": 0.02,
      "quantisation.bits": 6,
      "stuck.fraction": 0.05,
      "stuck.output": -1,
    },
    "test profile",
  );
}
