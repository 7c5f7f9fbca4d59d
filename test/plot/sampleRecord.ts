/** A synthetic sample run (no UNet): blobs whose position depends on the class, and its record. */
import { classColumns, imageGridPng } from "../../src/plot/imageGrid.js";
import type { SampleGridImage } from "../../src/report/sampleReport.js";
import type { SampleRunRecord, SampleSetRecord } from "../../src/report/sampleSummary.js";

export function syntheticImages(classes: number[], perClass: number, shift = 0): Float64Array {
  const n = classes.length * perClass;
  const x = new Float64Array(n * 784);
  for (let k = 0; k < n; k++) {
    const c = classes[Math.floor(k / perClass)];
    const ci = 6 + (c % 4) * 5 + shift;
    const cj = 6 + Math.floor(c / 4) * 6 + (k % perClass);
    for (let i = 0; i < 28; i++)
      for (let j = 0; j < 28; j++)
        x[k * 784 + i * 28 + j] = Math.exp(-((i - ci) ** 2 + (j - cj) ** 2) / 8);
  }
  return x;
}

function set(name: string, classes: number[], perClass: number): SampleSetRecord {
  return {
    name,
    engine: { engine: name, solver: "rk4", steps: 2 },
    scores: {
      agreement: {
        n: classes.length * perClass,
        agree: classes.length,
        fraction: 1 / perClass,
        perClass: classes.map((c) => ({ class: c, n: perClass, agree: 1, fraction: 1 / perClass })),
      },
      fid: 123.4,
      kid: { mean: 0.0123, std: 0.001, subsetSize: 6, subsets: 100 },
    },
    timing: { sampleS: 2.5, imagesPerS: 2.4, imageForwards: 300, msPerImageForward: 8.3 },
  };
}

export function syntheticRecord(
  classes: number[],
  perClass: number,
  hardware: boolean,
): SampleRunRecord {
  const names = hardware ? ["ideal (cell)", "faithful (circuit)"] : ["trained"];
  return {
    format: "cellspice-sample-summary",
    format_version: 1,
    cellspiceVersion: "0.0.0-test",
    model: {
      dir: "/models/x",
      backbone: "cellnn",
      nFeat: 16,
      inChannels: 1,
      imageSize: 28,
      nClasses: 10,
      nT: 400,
      betas: [1e-4, 0.02],
    },
    settings: {
      classes,
      perClass,
      n: classes.length * perClass,
      sampler: "ddim",
      algorithm: "DDIM, Song, Meng & Ermon 2021 (σ = 0)",
      steps: 25,
      timesteps: [400, 1],
      w: 2,
      batch: 32,
      noise: { kind: "seeded", seed: 0 },
      hardware: hardware ? { profile: "/p.json", mismatchSeed: 3 } : undefined,
    },
    sets: names.map((n) => set(n, classes, perClass)),
    comparison: hardware ? { pixelRmse: 0.0123, of: [names[0], names[1]] } : undefined,
    fidReference: { testImages: 10000, testAccuracy: 0.9857, sha256: "8452eb06" },
    timings: { loadS: 0.2, referenceS: 3, totalS: 9 },
    started: "2026-12-01T10:00:00.000Z",
  };
}

export function syntheticGrids(
  classes: number[],
  perClass: number,
  names: string[],
): SampleGridImage[] {
  return names.map((name, s) => ({
    name,
    png: imageGridPng({
      images: syntheticImages(classes, perClass, s),
      shape: { batch: classes.length * perClass, channels: 1, rows: 28, cols: 28 },
      ...classColumns(classes.length, perClass),
    }),
  }));
}
