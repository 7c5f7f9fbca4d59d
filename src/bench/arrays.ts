import {
  type CellArray,
  DEFAULT_SCALES,
  type PhysicalScales,
  validateCellArray,
} from "../cells/spec.js";
import { seededRandom, uniformArray } from "../core/random.js";
import type { MemristorModel } from "../devices/types.js";

/**
 * The arrays the benchmarks run: random multi-channel 3×3 templates (A scaled by
 * 1.5/√(9C) so the dynamics stay well-behaved, B in ±0.5, z in ±0.3), inputs in ±1, x(0) in
 * ±0.5, leaky output (α = 0.01), fixed boundary y = u = 0 (DESIGN.md 1). Seeded, so every run
 * and every engine sees the same array.
 */
export function benchArray(options: {
  seed: number;
  channels: number;
  rows: number;
  cols: number;
  /** Feedback scale; default 1.5/√(9C). */
  scaleA?: number;
  memristor?: { model: MemristorModel; w0: number; scales: PhysicalScales };
}): CellArray {
  const { seed, channels, rows, cols } = options;
  const rand = seededRandom(seed);
  const k = 3;
  const scaleA = options.scaleA ?? 1.5 / Math.sqrt(channels * k * k);
  const n = channels * rows * cols;
  const m = options.memristor;
  return validateCellArray({
    name: `bench-${seed}-${channels}x${rows}x${cols}`,
    channels,
    inputChannels: channels,
    rows,
    cols,
    A: {
      outChannels: channels,
      inChannels: channels,
      size: k,
      data: uniformArray(channels * channels * k * k, -scaleA, scaleA, rand),
    },
    B: {
      outChannels: channels,
      inChannels: channels,
      size: k,
      data: uniformArray(channels * channels * k * k, -0.5, 0.5, rand),
    },
    z: uniformArray(channels, -0.3, 0.3, rand),
    boundary: { kind: "fixed", y: 0, u: 0 },
    output: { kind: "leaky", alpha: 0.01 },
    input: uniformArray(n, -1, 1, rand),
    x0: uniformArray(n, -0.5, 0.5, rand),
    scales: m?.scales ?? DEFAULT_SCALES,
    memristor: m ? { model: m.model, w0: new Float64Array(n).fill(m.w0), voltage: "x" } : undefined,
  });
}
