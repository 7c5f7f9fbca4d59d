import { seededRandom, uniformArray } from "../core/random.js";
import type { Boundary } from "./boundary.js";
import type { OutputFunction } from "./output.js";
import { type CellArray, DEFAULT_SCALES, validateCellArray } from "./spec.js";

/**
 * A seeded random multi-channel array for tests, benchmarks and examples: A uniform in
 * ±scaleA (default 1.5/√(C·k²), so the dynamics stay well-behaved), B in ±0.5, z in ±0.3,
 * inputs in ±1, x(0) in ±0.5; leaky output (α = 0.01) and fixed boundary y = u = 0 unless given.
 */
export function randomArray(options: {
  seed: number;
  channels: number;
  inputChannels?: number;
  rows: number;
  cols: number;
  size?: number;
  boundary?: Boundary;
  output?: OutputFunction;
  scaleA?: number;
}): CellArray {
  const rand = seededRandom(options.seed);
  const { channels, rows, cols } = options;
  const cin = options.inputChannels ?? channels;
  const k = options.size ?? 3;
  const scaleA = options.scaleA ?? 1.5 / Math.sqrt(channels * k * k);
  const template = (inChannels: number, lo: number, hi: number) => ({
    outChannels: channels,
    inChannels,
    size: k,
    data: uniformArray(channels * inChannels * k * k, lo, hi, rand),
  });
  return validateCellArray({
    name: `random-${options.seed}`,
    channels,
    inputChannels: cin,
    rows,
    cols,
    A: template(channels, -scaleA, scaleA),
    B: template(cin, -0.5, 0.5),
    z: uniformArray(channels, -0.3, 0.3, rand),
    boundary: options.boundary ?? { kind: "fixed", y: 0, u: 0 },
    output: options.output ?? { kind: "leaky", alpha: 0.01 },
    input: uniformArray(cin * rows * cols, -1, 1, rand),
    x0: uniformArray(channels * rows * cols, -0.5, 0.5, rand),
    scales: DEFAULT_SCALES,
  });
}
