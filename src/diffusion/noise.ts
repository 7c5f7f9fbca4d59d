import { randomStream } from "../core/counterRandom.js";
import { ValidationError } from "../core/errors.js";
import type { AncestralNoise } from "./sampler.js";

/**
 * The noise of a sampling run: the starting images x_T and the ancestral z of DDPM, for
 * contiguous ranges of the run's samples (a batch is `count` samples from position `start`).
 *
 * Seeded noise (docs/sampling.md): sample j of class c has the identity s = c·2^20 + j, and its
 * pixel p (of P = C·H·W) is element s·P + p of a Philox stream (src/core/counterRandom.ts):
 *
 *     x_T[c, j, p]    = fround(randomStream(seed, "x_T").normal(s·P + p))
 *     z_t[c, j, p]    = fround(randomStream(seed, "z", t).normal(s·P + p))  (the step x_t → x_{t−1})
 *
 * so a sample's noise depends only on the seed, its class and its number within the class: not
 * on the batch size, on the other classes drawn, or on how many samples each class has. The
 * draws are rounded to float32 so that a float32 noise file (`--noise`) holds them exactly: a
 * run from the file is the seeded run, bit for bit.
 */
export interface NoiseSource {
  /** x_T of samples start…start+count−1, count×C×H×W. */
  x_T(start: number, count: number): Float64Array;
  /** The ancestral noise of the same samples. */
  ancestral(start: number, count: number): AncestralNoise;
  /** How the noise was made, for summaries. */
  describe(): Record<string, unknown>;
}

/** A sample by its class and its number within the class. */
export interface SampleId {
  readonly cls: number;
  readonly index: number;
}

/** Samples per class the identity s = c·2^20 + j allows. */
export const MAX_PER_CLASS = 2 ** 20;

/** Seeded, batch-independent noise for the samples `samples` (in run order), P values each. */
export function seededNoise(
  seed: number,
  samples: readonly SampleId[],
  pixels: number,
): NoiseSource {
  for (const { cls, index } of samples) {
    if (!(Number.isInteger(index) && index >= 0 && index < MAX_PER_CLASS))
      throw new ValidationError("per-class", `sample ${index}`, `fewer than ${MAX_PER_CLASS}`);
    if (!((cls * MAX_PER_CLASS + index + 1) * pixels < 2 ** 52))
      throw new ValidationError("classes", `class ${cls} × ${pixels} pixels`, "a smaller index");
  }
  const fill = (labels: (string | number)[], start: number, count: number): Float64Array => {
    const stream = randomStream(seed, ...labels);
    const out = new Float64Array(count * pixels);
    for (let k = 0; k < count; k++) {
      const { cls, index } = samples[start + k];
      const row = out.subarray(k * pixels, (k + 1) * pixels);
      stream.fillNormal(row, (cls * MAX_PER_CLASS + index) * pixels);
      for (let p = 0; p < pixels; p++) row[p] = Math.fround(row[p]);
    }
    return out;
  };
  return {
    x_T: (start, count) => fill(["x_T"], start, count),
    ancestral: (start, count) => ({ z: (t) => fill(["z", t], start, count) }),
    describe: () => ({
      kind: "seeded",
      seed,
      generator:
        "Philox4x32-10, Box-Muller, rounded to float32; x_T: randomStream(seed, 'x_T'), z_t: randomStream(seed, 'z', t); element (c*2^20 + j)*P + p (docs/sampling.md)",
    }),
  };
}

/** A tensor as read from a safetensors file. */
export interface NoiseTensor {
  readonly dtype: string;
  readonly shape: readonly number[];
  readonly data: Float64Array;
}

function checkTensor(
  name: string,
  tensor: NoiseTensor | undefined,
  shape: readonly number[],
  what: string,
): Float64Array {
  if (!tensor)
    throw new ValidationError(name, "is missing", `a tensor ${name} of shape [${shape}] (${what})`);
  if (tensor.dtype !== "F32") throw new ValidationError(name, `has dtype ${tensor.dtype}`, "F32");
  if (tensor.shape.length !== shape.length || tensor.shape.some((d, i) => d !== shape[i]))
    throw new ValidationError(name, `has shape [${tensor.shape}]`, `[${shape}] (${what})`);
  return tensor.data;
}

/**
 * Noise given as tensors (`--noise FILE`): x_T (N×C×H×W, F32, the run's sample order) and, when
 * `zSteps` > 0, z (zSteps×N×C×H×W, F32), row i for the step from t = zSteps − i (row zSteps − 1,
 * t = 1, is not used: Algorithm 2 adds no noise there).
 */
export function suppliedNoise(
  tensors: { readonly x_T?: NoiseTensor; readonly z?: NoiseTensor },
  shape: {
    readonly batch: number;
    readonly channels: number;
    readonly rows: number;
    readonly cols: number;
  },
  zSteps = 0,
): NoiseSource {
  const image = [shape.channels, shape.rows, shape.cols];
  const pixels = shape.channels * shape.rows * shape.cols;
  const n = shape.batch;
  const x_T = checkTensor("x_T", tensors.x_T, [n, ...image], "N×C×H×W");
  const z =
    zSteps > 0 ? checkTensor("z", tensors.z, [zSteps, n, ...image], "steps×N×C×H×W") : undefined;
  const range = (start: number, count: number) => {
    if (!(start >= 0 && count >= 0 && start + count <= n))
      throw new RangeError(`samples ${start}…${start + count - 1} of ${n}`);
  };
  return {
    x_T(start, count) {
      range(start, count);
      return x_T.slice(start * pixels, (start + count) * pixels);
    },
    ancestral(start, count) {
      range(start, count);
      return {
        z(t) {
          if (!z) throw new ValidationError("z", "is missing", "z for an ancestral sampler");
          if (!(Number.isInteger(t) && t >= 1 && t <= zSteps))
            throw new RangeError(`no z row for t = ${t} (rows for t = ${zSteps}…1)`);
          const row = (zSteps - t) * n * pixels;
          return z.slice(row + start * pixels, row + (start + count) * pixels);
        },
      };
    },
    describe: () => ({ kind: "file", zSteps }),
  };
}
