import type { FidReference, SampleScores } from "./sampleScores.js";

/**
 * What one `cellspice sample` run produced, as summary.json holds it (docs/sampling.md) and the
 * report shows it. The images themselves go to samples.safetensors and samples.png.
 */
export interface SampleSetRecord {
  /** "trained", "cell", or with --hardware "ideal" (cell) and "faithful" (circuit). */
  readonly name: string;
  /** The layer engine's describe(). */
  readonly engine: Record<string, unknown>;
  readonly scores: SampleScores;
  readonly timing: {
    /** Wall time of the sampling loop, s. */
    readonly sampleS: number;
    readonly imagesPerS: number;
    /** Images through the network: N × network passes per sample (2 per step with guidance). */
    readonly imageForwards: number;
    readonly msPerImageForward: number;
  };
}

export interface SampleRunRecord {
  readonly format: "cellspice-sample-summary";
  readonly format_version: 1;
  readonly cellspiceVersion: string;
  readonly model: {
    readonly dir: string;
    /** SHA-256 of model.safetensors: which weights were sampled (absent in older summaries). */
    readonly weightsSha256?: string;
    readonly backbone: string;
    readonly nFeat: number;
    readonly inChannels: number;
    readonly imageSize: number;
    readonly nClasses: number;
    readonly nT: number;
    readonly betas: readonly [number, number];
  };
  readonly settings: {
    readonly classes: readonly number[];
    readonly perClass: number;
    readonly n: number;
    readonly sampler: "ddim" | "ddpm";
    readonly algorithm: string;
    readonly steps: number;
    /** DDIM: the τ visited, in order. */
    readonly timesteps?: readonly number[];
    readonly w: number;
    readonly batch: number;
    readonly noise: Record<string, unknown>;
    readonly hardware?: { readonly profile: string; readonly mismatchSeed: number | string };
    /** The digital 3×3 convolutions' arithmetic (unetForward's precision). */
    readonly digitalPrecision?: "float64" | "float32";
  };
  readonly sets: readonly SampleSetRecord[];
  /** With --hardware: the faithful samples against the ideal ones from the same noise. */
  readonly comparison?: { readonly pixelRmse: number; readonly of: readonly [string, string] };
  /** With --fid: the extractor and the reference set. */
  readonly fidReference?: FidReference;
  readonly timings: {
    readonly loadS: number;
    readonly referenceS?: number;
    readonly totalS: number;
  };
  readonly started: string;
}

/** summary.json's text. */
export function sampleSummaryJson(record: SampleRunRecord): string {
  return `${JSON.stringify(record, (_k, v) => (typeof v === "number" && !Number.isFinite(v) ? String(v) : v), 2)}\n`;
}
