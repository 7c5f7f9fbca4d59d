import { randomStream } from "../core/counterRandom.js";
import type { TrainedCellLayer } from "../unet/layerEngine.js";
import type { HardwareProfile } from "./profile.js";
import { type Grid, maxAbs, quantisationGrid, quantise } from "./quantise.js";

/**
 * The templates as programmed into the circuit: the trained A, B, z quantised to the profile's
 * grid (or unchanged when quantisation is off). Mismatch is drawn on top of these, per cell.
 */
export interface ProgrammedTemplates {
  readonly A: Float64Array;
  readonly B: Float64Array;
  readonly z: Float64Array;
  /** The grid of each coefficient group (per template, layer or kernel), for reports; [] when off. */
  readonly grids: { readonly what: string; readonly grid: Grid }[];
}

/**
 * Quantises a trained layer's templates. Full scale: a fixed value, or max |coefficient| of each
 * template (A, B, z apart), of the whole layer, or of each output channel's kernel of A and of B
 * (z per template). Stochastic rounding draws from randomStream(seed, layer, "quantise", T) by
 * coefficient index, so the programmed values depend only on the seed and the layer.
 */
export function programTemplates(
  layer: TrainedCellLayer,
  profile: HardwareProfile,
  seed: number | string,
): ProgrammedTemplates {
  const q = profile.quantisation;
  if (q.bits === null) return { A: layer.A, B: layer.B, z: layer.z, grids: [] };
  const bits = q.bits;
  const name = layer.spec.name;
  const C = layer.spec.c_out;
  const grids: { what: string; grid: Grid }[] = [];
  const layerScale = Math.max(maxAbs(layer.A), maxAbs(layer.B), maxAbs(layer.z));
  const apply = (what: "A" | "B" | "z", src: Float64Array): Float64Array => {
    const out = new Float64Array(src.length);
    const stream =
      q.rounding === "stochastic" ? randomStream(seed, name, "quantise", what) : undefined;
    const groups = q.range === "per-kernel" && what !== "z" ? C : 1;
    const size = src.length / groups;
    for (let g = 0; g < groups; g++) {
      const start = g * size;
      const fs =
        q.full_scale ?? (q.range === "per-layer" ? layerScale : maxAbs(src, start, start + size));
      const grid = quantisationGrid(bits, fs);
      grids.push({ what: groups > 1 ? `${what}[${g}]` : what, grid });
      for (let k = start; k < start + size; k++)
        out[k] = quantise(src[k], grid, q.rounding, stream ? stream.uniform(k) : 0);
    }
    return out;
  };
  return { A: apply("A", layer.A), B: apply("B", layer.B), z: apply("z", layer.z), grids };
}
