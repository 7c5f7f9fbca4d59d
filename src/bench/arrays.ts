import { randomArray } from "../cells/random.js";
import {
  type CellArray,
  DEFAULT_SCALES,
  type PhysicalScales,
  validateCellArray,
} from "../cells/spec.js";
import type { MemristorModel } from "../devices/types.js";

/**
 * The arrays the benchmarks run: `randomArray` (random multi-channel 3×3 templates, leaky
 * output, fixed boundary y = u = 0; DESIGN.md 1), optionally with a memristor per cell. Seeded,
 * so every run and every engine sees the same array.
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
  const base = randomArray({ seed, channels, rows, cols, scaleA: options.scaleA });
  const m = options.memristor;
  return validateCellArray({
    ...base,
    name: `bench-${seed}-${channels}x${rows}x${cols}`,
    scales: m?.scales ?? DEFAULT_SCALES,
    memristor: m
      ? { model: m.model, w0: new Float64Array(base.x0.length).fill(m.w0), voltage: "x" }
      : undefined,
  });
}
