import type { Boundary } from "../../src/cells/boundary.js";
import type { OutputFunction } from "../../src/cells/output.js";
import { type CellArray, DEFAULT_SCALES, validateCellArray } from "../../src/cells/spec.js";
import { seededRandom, uniformArray } from "../../src/core/random.js";

/** A random multi-channel array with templates scaled so the dynamics stay well-behaved. */
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
  return validateCellArray({
    name: `random-${options.seed}`,
    channels,
    inputChannels: cin,
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
      inChannels: cin,
      size: k,
      data: uniformArray(channels * cin * k * k, -0.5, 0.5, rand),
    },
    z: uniformArray(channels, -0.3, 0.3, rand),
    boundary: options.boundary ?? { kind: "fixed", y: 0, u: 0 },
    output: options.output ?? { kind: "leaky", alpha: 0.01 },
    input: uniformArray(cin * rows * cols, -1, 1, rand),
    x0: uniformArray(channels * rows * cols, -0.5, 0.5, rand),
    scales: DEFAULT_SCALES,
  });
}
