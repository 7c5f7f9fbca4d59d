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
