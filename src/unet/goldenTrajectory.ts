import { ValidationError } from "../core/errors.js";
import type { Tensor } from "../trained/safetensors.js";
import { loadUnet } from "./load.js";
import type { Unet } from "./unet.js";

/** A guided sampling trajectory of an export's golden data (docs/export-format.md). */
export interface GoldenTrajectory {
  /** Samples in the batch (4). */
  readonly n: number;
  /** C×H×W of one sample. */
  readonly sampleSize: number;
  /** Conditioning classes, one per sample. */
  readonly c: Int32Array;
  /** Guidance weight w. */
  readonly w: number;
  /** The starting state (ddim: x_T; ddpm: x_{t_start}), n×C×H×W. */
  readonly xStart: Float64Array;
  /** x[0] = xStart, x[i] = the state after step i; the last is the sample x̂_0 / x_0. */
  readonly x: readonly Float64Array[];
}

export interface GoldenDdim extends GoldenTrajectory {
  /** τ_i in order of use (τ_1 = n_T … 1), one per step. */
  readonly timesteps: readonly number[];
}

export interface GoldenDdpm extends GoldenTrajectory {
  /** The chain runs t = tStart … 1. */
  readonly tStart: number;
  /** z[k]: the noise added at t = tStart − k (z[tStart − 1], at t = 1, is 0), n×C×H×W each. */
  readonly z: readonly Float64Array[];
}

function need(golden: ReadonlyMap<string, Tensor> | undefined, name: string, dir: string): Tensor {
  const t = golden?.get(name);
  if (!t)
    throw new ValidationError(
      `golden.${name}`,
      `missing from ${dir}'s golden data`,
      "golden data written by training/export.py (python -m training.golden EXPORT_DIR)",
    );
  return t;
}

function rows(t: Tensor): Float64Array[] {
  const per = t.data.length / t.shape[0];
  return Array.from({ length: t.shape[0] }, (_, k) => t.data.subarray(k * per, (k + 1) * per));
}

function trajectory(unet: Unet, prefix: "ddim" | "ddpm"): GoldenTrajectory {
  const g = unet.golden;
  const xStart = need(g, `${prefix}.x_T`, unet.dir);
  const [n, ...sample] = xStart.shape;
  return {
    n,
    sampleSize: sample.reduce((a, b) => a * b, 1),
    c: Int32Array.from(need(g, `${prefix}.c`, unet.dir).data),
    w: need(g, `${prefix}.w`, unet.dir).data[0],
    xStart: xStart.data,
    x: rows(need(g, `${prefix}.x`, unet.dir)),
  };
}

/**
 * The golden DDIM trajectory of an export (its directory, or the Unet loaded with its golden
 * data): 4 guided samples
 * (w = 2), 25 steps of DDIM (σ = 0) from a fixed x_T, every x_τ, computed by PyTorch in float64.
 */
export function goldenDdim(exportDir: string | Unet): GoldenDdim {
  const unet = typeof exportDir === "string" ? loadUnet(exportDir) : exportDir;
  const t = trajectory(unet, "ddim");
  return { ...t, timesteps: Array.from(need(unet.golden, "ddim.timesteps", unet.dir).data) };
}

/**
 * The golden truncated DDPM chain: t = t_start … 1 (t_start = 10) from a given x_{t_start} with
 * the noise z supplied, 4 guided samples (w = 2).
 */
export function goldenDdpm(exportDir: string | Unet): GoldenDdpm {
  const unet = typeof exportDir === "string" ? loadUnet(exportDir) : exportDir;
  const t = trajectory(unet, "ddpm");
  const z = rows(need(unet.golden, "ddpm.z", unet.dir));
  return { ...t, tStart: z.length, z };
}
