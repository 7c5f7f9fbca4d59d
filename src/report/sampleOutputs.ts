import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { classColumns, imageGridPng } from "../plot/imageGrid.js";
import { type TensorToWrite, writeSafetensors } from "../trained/safetensorsWriter.js";
import { renderSampleReport, type SampleGridImage } from "./sampleReport.js";
import { type SampleRunRecord, sampleSummaryJson } from "./sampleSummary.js";

/** The files `cellspice sample` writes into its output directory. */
export const SAMPLE_FILE_NAMES = [
  "samples.png",
  "samples-ideal.png",
  "samples.safetensors",
  "summary.json",
  "report.html",
] as const;

/** One set of samples: x0 (N×C×H×W, class-major) and its class labels. */
export interface SampleImages {
  readonly name: string;
  readonly x0: Float64Array;
  readonly labels: Int32Array;
}

export interface SampleFiles {
  readonly png: string;
  readonly safetensors: string;
  readonly summary: string;
  readonly report: string;
  readonly idealPng?: string;
}

/**
 * Writes a run into `dir` (a fresh temporary directory the caller moves into place):
 * samples.png (the grid), samples.safetensors (`x0` N×C×H×W float32 class-major, `classes`
 * int64, and the run's starting noise `x_T`, so that `--noise samples.safetensors` repeats a
 * DDIM run), summary.json and report.html. With two sets (--hardware: ideal, faithful) the last is
 * the run's result (`x0`, samples.png) and the first is kept beside it (`x0_ideal`,
 * samples-ideal.png) for comparison.
 */
export async function writeSampleOutputs(
  dir: string,
  record: SampleRunRecord,
  sets: readonly SampleImages[],
  x_T: Float64Array,
): Promise<SampleFiles> {
  const { imageSize: H, inChannels: C } = record.model;
  const { classes, perClass } = record.settings;
  const grid = (x0: Float64Array) =>
    imageGridPng({
      images: x0,
      shape: { batch: x0.length / (C * H * H), channels: C, rows: H, cols: H },
      ...classColumns(classes.length, perClass),
    });
  const main = sets[sets.length - 1];
  const grids: SampleGridImage[] = sets.map((s) => ({ name: s.name, png: grid(s.x0) }));
  const shape = [main.labels.length, C, H, H];
  const tensors: TensorToWrite[] = [
    { name: "x0", dtype: "F32", shape, data: main.x0 },
    { name: "classes", dtype: "I64", shape: [main.labels.length], data: main.labels },
    { name: "x_T", dtype: "F32", shape, data: x_T },
  ];
  if (sets.length > 1) tensors.push({ name: "x0_ideal", dtype: "F32", shape, data: sets[0].x0 });
  const files: SampleFiles = {
    png: join(dir, "samples.png"),
    safetensors: join(dir, "samples.safetensors"),
    summary: join(dir, "summary.json"),
    report: join(dir, "report.html"),
    idealPng: sets.length > 1 ? join(dir, "samples-ideal.png") : undefined,
  };
  await writeFile(files.png, grids[grids.length - 1].png);
  if (files.idealPng) await writeFile(files.idealPng, grids[0].png);
  await writeSafetensors(files.safetensors, tensors, {
    format: "cellspice-samples",
    order: "class-major",
    sets: sets.map((s) => s.name).join(","),
  });
  await writeFile(files.summary, sampleSummaryJson(record));
  await writeFile(files.report, renderSampleReport(record, grids));
  return files;
}
