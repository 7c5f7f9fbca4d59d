import { expect } from "vitest";
import { seededRandom, uniformArray } from "../../src/core/random.js";
import type { CellLayerSpec } from "../../src/trained/unetExport.js";
import {
  type BatchShape,
  type LayerResult,
  loadUnet,
  type TrainedCellLayer,
} from "../../src/unet/index.js";
import type { Unet } from "../../src/unet/unet.js";

/** The raw 64-bit patterns of an array (undefined stays undefined). */
export function bits(a: Float64Array | undefined): bigint[] | undefined {
  return a && Array.from(new BigUint64Array(a.buffer, a.byteOffset, a.length));
}

/** y, x and w of two layer results hold the same bits. */
export function expectSameBits(got: LayerResult, want: LayerResult, what: string): void {
  expect(bits(got.y), `${what} y`).toEqual(bits(want.y));
  expect(bits(got.x), `${what} x`).toEqual(bits(want.x));
  expect(bits(got.w), `${what} w`).toEqual(bits(want.w));
}

/**
 * A random layer of `cOut` channels from a fixture layer's entry, its cell settings changed: A
 * uniform in ±aGain/√(9·cOut) with 30 % of its taps zero (so the sweep's sparse blocks are taken
 * too), B uniform in ±bRange, z in ±0.3.
 */
export function randomLayer(
  seed: number,
  base: CellLayerSpec,
  cOut: number,
  cIn: number,
  cell: Partial<CellLayerSpec["cell"]>,
  { aGain = 1.5, bRange = 0.5 }: { aGain?: number; bRange?: number } = {},
): TrainedCellLayer {
  const rand = seededRandom(seed);
  const scaleA = aGain / Math.sqrt(9 * cOut);
  const A = uniformArray(cOut * cOut * 9, -scaleA, scaleA, rand);
  for (let k = 0; k < A.length; k++) if (rand() < 0.3) A[k] = 0;
  return {
    spec: { ...base, c_in: cIn, c_out: cOut, cell: { ...base.cell, ...cell } },
    A,
    B: uniformArray(cOut * cIn * 9, -bRange, bRange, rand),
    z: uniformArray(cOut, -0.3, 0.3, rand),
  };
}

/** A fixture's cellular layers, each with its golden input and batch shape. */
export function goldenLayerInputs(dir: string): {
  unet: Unet;
  layers: { layer: TrainedCellLayer; u: Float64Array; shape: BatchShape }[];
} {
  const unet = loadUnet(dir);
  const layers = unet.cellLayers.map((layer) => {
    const t = unet.golden!.get(`layers.${layer.spec.name}.input`)!;
    const [batch, channels, rows, cols] = t.shape;
    return { layer, u: t.data, shape: { batch, channels, rows, cols } };
  });
  return { unet, layers };
}
