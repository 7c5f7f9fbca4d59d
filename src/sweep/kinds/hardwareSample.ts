/**
 * The "hardware-sample" job kind (issue 11): images drawn with the circuit engine under a grid
 * of hardware-profile points × mismatch seeds, each judged against the images the ideal `cell`
 * engine draws from the same noise.
 *
 *   "model": "test/fixtures/models/cellnn-mnist", "profile": "models/hardware/ideal.json",
 *   "axes": { "mismatch.sigma": [0.01, 0.05], "quantisation.bits": [4, 6] },
 *   "mode": "one-at-a-time", "seeds": [1, 2, 3], "seeded_axes": ["mismatch.sigma"],
 *   "classes": [0, 1, 2], "per_class": 2, "steps": 10, "w": 2, "noise_seed": 0,
 *   "rtol": 1e-3, "atol": 1e-5, "precision": "float64", "grid_per_class": 2,
 *   "classifier": "test/fixtures/models/lenet-mnist.safetensors"
 *
 * One job per profile point and mismatch seed (points of axes not in `seeded_axes` are
 * deterministic, so they run with the first seed only), plus one "ideal" job. `mode`
 * "one-at-a-time" varies one axis at a time from the base profile; "grid" takes the product.
 * Noise: the seeded, batch-independent noise of src/diffusion (`noise_seed`), the same for
 * every job. A row: the profile point, seed, pixel RMSE and max |Δ| against the ideal images
 * (clipped to [0, 1]), classifier agreement with the conditioning class (ideal and faithful)
 * and with the ideal's labels, each sample's pixel RMSE, timings, and the images (rounded to
 * 1e-4) of the first `grid_per_class` samples of each class (default: all) for the report's
 * grids. The ideal images are computed once per process and reused by its jobs.
 */
import { ValidationError } from "../../core/errors.js";
import { rejectUnknownFields } from "../../core/unknownFields.js";
import { ddimSong2021 } from "../../diffusion/ddimSong2021.js";
import { type DrawnSamples, drawSamples } from "../../diffusion/drawSamples.js";
import { seededNoise } from "../../diffusion/noise.js";
import { ddpmSchedule } from "../../diffusion/schedule.js";
import { circuitEngine, MAX_LOCKSTEP } from "../../hardware/circuitEngine.js";
import {
  checkProfileLayers,
  type HardwareProfile,
  idealProfile,
  isIdealProfile,
  profileDocument,
  withProfile,
} from "../../hardware/profile.js";
import { PROFILE_FIELDS } from "../../hardware/profileFields.js";
import { classifierAgreement, LENET_CLASSES, loadLenet } from "../../metrics/index.js";
import { loadHardwareProfile } from "../../report/hardwareProfile.js";
import { clipToDataRange, pixelRmse } from "../../report/sampleScores.js";
import { exportWeightsSha256 } from "../../trained/exportDir.js";
import { cellEngine } from "../../unet/engines/cell.js";
import { unetForward } from "../../unet/index.js";
import type { LayerEngine } from "../../unet/layerEngine.js";
import { loadUnet } from "../../unet/load.js";
import type { Unet } from "../../unet/unet.js";
import type { JobContext, JobKind, SweepJob, SweepRow } from "../jobKind.js";
import { readNumber, readObject } from "../specFields.js";

export interface HardwareSampleSpec {
  readonly model: string;
  readonly profile: string | null;
  readonly axes: Readonly<Record<string, readonly unknown[]>>;
  readonly mode: "one-at-a-time" | "grid";
  readonly seeds: readonly number[];
  readonly seededAxes: readonly string[];
  readonly classes: readonly number[];
  readonly perClass: number;
  readonly steps: number;
  readonly w: number;
  readonly noiseSeed: number;
  readonly batch: number;
  readonly rtol: number;
  readonly atol: number;
  /** Both engines' arithmetic of A ⋆ f(x) (circuitEngine's precision; default float64). */
  readonly precision: "float64" | "float32";
  /**
   * The circuit engine's lockstep (circuitEngine): inputs of a layer solved together. Default 1,
   * each alone; the committed sweeps up to 2026-12-07 ran with 1.
   */
  readonly lockstep: number;
  readonly classifier: string;
  /**
   * How many samples of each class a row keeps the images of, for the report's grids (the
   * statistics use every sample: a row carries each sample's RMSE); default: all of them.
   */
  readonly gridPerClass: number;
}

/** One job's parameters (plain JSON). */
export interface HardwareSampleParams {
  readonly spec: HardwareSampleSpec;
  /** The profile fields changed from the base profile; {} for the ideal job. */
  readonly point: Readonly<Record<string, unknown>>;
  readonly seed: number;
  readonly ideal: boolean;
  /**
   * SHA-256 of the model's weights when the sweep was expanded (null where they could not be
   * read; the job then fails on loading them). It is part of each job's parameters, so a rows
   * file written for other weights under the same path is refused on resume, not extended.
   */
  readonly weightsSha256: string | null;
}

const FIELDS = [
  "model",
  "profile",
  "axes",
  "mode",
  "seeds",
  "seeded_axes",
  "classes",
  "per_class",
  "steps",
  "w",
  "noise_seed",
  "batch",
  "rtol",
  "atol",
  "precision",
  "lockstep",
  "classifier",
  "grid_per_class",
] as const;

const DEFAULT_SEEDED = [
  "mismatch.sigma",
  "offset.sigma",
  "memristor.sigma",
  "memristor.w0_sigma",
  "stuck.fraction",
];

function readList<T>(v: unknown, field: string, item: (x: unknown, f: string) => T): T[] {
  if (!Array.isArray(v) || v.length === 0)
    throw new ValidationError(field, "not a non-empty list", "a non-empty list");
  return v.map((x, i) => item(x, `${field}[${i}]`));
}

function readPrecision(v: unknown): "float64" | "float32" {
  if (v === undefined) return "float64";
  if (v === "float64" || v === "float32") return v;
  throw new ValidationError("precision", `got ${JSON.stringify(v)}`, '"float64" or "float32"');
}

function readPath(v: unknown, field: string): string {
  if (typeof v !== "string" || v === "")
    throw new ValidationError(field, `got ${JSON.stringify(v)}`, "a path");
  return v;
}

export const hardwareSampleKind: JobKind<HardwareSampleSpec> = {
  name: "hardware-sample",
  fields: FIELDS,
  validate(spec) {
    const doc = readObject(spec, "spec");
    rejectUnknownFields(doc, FIELDS);
    const axesDoc = readObject(doc.axes, "axes");
    const paths = PROFILE_FIELDS.map((f) => f.path);
    rejectUnknownFields(axesDoc, paths, "axes");
    const base = idealProfile();
    const axes: Record<string, unknown[]> = {};
    for (const [path, values] of Object.entries(axesDoc)) {
      axes[path] = readList(values, `axes.${path}`, (x, f) => {
        withProfile(base, { [path]: x }, f); // each value must make a valid profile
        return x;
      });
    }
    const mode = doc.mode ?? "one-at-a-time";
    if (mode !== "one-at-a-time" && mode !== "grid")
      throw new ValidationError("mode", `got ${JSON.stringify(mode)}`, '"one-at-a-time" or "grid"');
    const int = (v: unknown, f: string, min: number, max: number) =>
      readNumber(v, f, { min, max, integer: true });
    const seededAxes =
      doc.seeded_axes === undefined
        ? DEFAULT_SEEDED
        : readList(doc.seeded_axes, "seeded_axes", (x, f) => readPath(x, f));
    const perClass = int(doc.per_class ?? 1, "per_class", 1, 1 << 16);
    return {
      model: readPath(doc.model, "model"),
      profile: doc.profile === undefined ? null : readPath(doc.profile, "profile"),
      axes,
      mode,
      seeds: readList(doc.seeds ?? [1, 2, 3], "seeds", (x, f) =>
        int(x, f, 0, Number.MAX_SAFE_INTEGER),
      ),
      seededAxes,
      classes: readList(doc.classes ?? [0, 1, 2, 3, 4, 5, 6, 7, 8, 9], "classes", (x, f) =>
        int(x, f, 0, 255),
      ),
      perClass,
      gridPerClass: int(doc.grid_per_class ?? perClass, "grid_per_class", 1, perClass),
      steps: int(doc.steps ?? 25, "steps", 1, 10000),
      w: readNumber(doc.w ?? 2, "w", { min: 0, max: 100 }),
      noiseSeed: int(doc.noise_seed ?? 0, "noise_seed", 0, Number.MAX_SAFE_INTEGER),
      batch: int(doc.batch ?? 16, "batch", 1, 1 << 16),
      rtol: readNumber(doc.rtol ?? 1e-6, "rtol", {
        min: 0,
        max: 1,
        minExclusive: true,
        maxExclusive: true,
      }),
      atol: readNumber(doc.atol ?? 1e-8, "atol", { min: 0, max: 1, minExclusive: true }),
      precision: readPrecision(doc.precision),
      lockstep: int(doc.lockstep ?? 1, "lockstep", 1, MAX_LOCKSTEP),
      classifier: readPath(
        doc.classifier ?? "test/fixtures/models/lenet-mnist.safetensors",
        "classifier",
      ),
    };
  },
  expand(spec) {
    const jobs: SweepJob[] = [];
    const weightsSha256 = weightsOrNull(spec.model);
    const push = (point: Record<string, unknown>, seed: number, ideal: boolean) => {
      const label = Object.entries(point)
        .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
        .join(",");
      const params: HardwareSampleParams = { spec, point, seed, ideal, weightsSha256 };
      jobs.push({
        key: ideal ? "ideal" : `${label},seed=${seed}`,
        kind: "hardware-sample",
        params: params as unknown as Record<string, unknown>,
      });
    };
    push({}, spec.seeds[0], true);
    const points: Record<string, unknown>[] = [];
    if (spec.mode === "one-at-a-time") {
      for (const [path, values] of Object.entries(spec.axes))
        for (const v of values) points.push({ [path]: v });
    } else {
      let acc: Record<string, unknown>[] = [{}];
      for (const [path, values] of Object.entries(spec.axes))
        acc = acc.flatMap((p) => values.map((v) => ({ ...p, [path]: v })));
      points.push(...acc);
    }
    for (const point of points) {
      const seeded = Object.keys(point).some((p) => spec.seededAxes.includes(p));
      for (const seed of seeded ? spec.seeds : spec.seeds.slice(0, 1)) push(point, seed, false);
    }
    return jobs;
  },
  async run(job, ctx) {
    return hardwareSampleJob(job.params as unknown as HardwareSampleParams, ctx);
  },
};

function weightsOrNull(model: string): string | null {
  try {
    return exportWeightsSha256(model);
  } catch (e) {
    if (e instanceof ValidationError) return null;
    throw e;
  }
}

const unets = new Map<string, Unet>();
const idealRuns = new Map<string, Promise<{ images: DrawnSamples; seconds: number }>>();

function unetOf(dir: string): Unet {
  let u = unets.get(dir);
  if (!u) {
    u = loadUnet(dir, { golden: false });
    unets.set(dir, u);
  }
  return u;
}

/**
 * The benchmarks' "one faithful image" as a spec (docs/hardware.md): DDIM 25, w = 2, one sample
 * of class 3, all cellular layers at 1 % mismatch, mismatch seed 1 (bench/hardware.ts `image`,
 * scripts/image-profile.ts).
 */
export function oneImageSpec(
  model: string,
  solver: { rtol: number; atol: number; precision: "float64" | "float32" },
): HardwareSampleSpec {
  return hardwareSampleKind.validate(
    {
      model,
      axes: { "mismatch.sigma": [0.01] },
      seeds: [1],
      classes: [3],
      steps: 25,
      w: 2,
      ...solver,
    },
    "image",
  );
}

/** The spec's samples drawn with `engine` (its noise, classes and sampler); seconds taken. */
export async function drawSpecImages(
  spec: HardwareSampleSpec,
  engine: LayerEngine,
  ctx: JobContext,
): Promise<{ images: DrawnSamples; seconds: number }> {
  const unet = unetOf(spec.model);
  const samples = spec.classes.flatMap((cls) =>
    Array.from({ length: spec.perClass }, (_, index) => ({ cls, index })),
  );
  const pixels = unet.inChannels * unet.imageSize * unet.imageSize;
  const start = performance.now();
  let done = 0;
  const images = await drawSamples({
    sampler: ddimSong2021,
    network: (x, c, t, drop) =>
      unetForward(unet, x, c, t, drop, engine, { checkInterrupt: ctx.checkInterrupt }),
    schedule: ddpmSchedule(unet.nT, unet.betas),
    classes: spec.classes,
    perClass: spec.perClass,
    image: { channels: unet.inChannels, rows: unet.imageSize, cols: unet.imageSize },
    w: spec.w,
    steps: spec.steps,
    noise: seededNoise(spec.noiseSeed, samples, pixels),
    batch: spec.batch,
    checkInterrupt: ctx.checkInterrupt,
    onStep: (_s, count, info) => {
      done += count / info.steps;
      ctx.progress?.(done / samples.length);
    },
  });
  return { images, seconds: (performance.now() - start) / 1000 };
}

/** The ideal images of a spec: drawn once per process, shared by its jobs. */
function idealImages(spec: HardwareSampleSpec, ctx: JobContext) {
  const key = JSON.stringify([
    spec.model,
    spec.classes,
    spec.perClass,
    spec.steps,
    spec.w,
    spec.noiseSeed,
    spec.rtol,
    spec.atol,
    spec.precision,
  ]);
  let run = idealRuns.get(key);
  if (!run) {
    run = drawSpecImages(
      spec,
      cellEngine({ rtol: spec.rtol, atol: spec.atol, precision: spec.precision }),
      ctx,
    );
    idealRuns.set(key, run);
    run.catch(() => idealRuns.delete(key));
  }
  return run;
}

/** Each sample's pixel RMSE between two batches of images (already clipped). */
function perSampleRmse(a: Float64Array, b: Float64Array, n: number): number[] {
  const per = a.length / n;
  return Array.from({ length: n }, (_, k) =>
    pixelRmse(a.subarray(k * per, (k + 1) * per), b.subarray(k * per, (k + 1) * per)),
  );
}

/** The samples a row keeps the images of: the first `perClass` of each class, in order. */
function gridSamples(labels: ArrayLike<number>, perClass: number): number[] {
  const seen = new Map<number, number>();
  const keep: number[] = [];
  for (let k = 0; k < labels.length; k++) {
    const c = seen.get(labels[k]) ?? 0;
    seen.set(labels[k], c + 1);
    if (c < perClass) keep.push(k);
  }
  return keep;
}

/** The kept samples' images for the row, rounded (the report's grids need 1e-4, not 17 digits). */
function keptImages(x: Float64Array, n: number, keep: readonly number[]): number[] {
  const per = x.length / n;
  const out: number[] = [];
  for (const k of keep)
    for (let p = 0; p < per; p++) out.push(Math.round(x[k * per + p] * 1e4) / 1e4);
  return out;
}

export async function hardwareSampleJob(
  p: HardwareSampleParams,
  ctx: JobContext,
): Promise<SweepRow> {
  const { spec } = p;
  const unet = unetOf(spec.model);
  if (p.weightsSha256 !== null && unet.weightsSha256 !== p.weightsSha256)
    throw new ValidationError(
      "model",
      `the weights in ${spec.model} changed after the sweep was expanded (sha256 ${p.weightsSha256.slice(0, 12)}… then, ${unet.weightsSha256.slice(0, 12)}… now)`,
      "the same weights for the whole sweep: a new rows file for the new ones",
    );
  const base: HardwareProfile = spec.profile ? loadHardwareProfile(spec.profile) : idealProfile();
  const profile = withProfile(base, p.point, "point");
  checkProfileLayers(
    profile,
    unet.cellLayers.map((l) => l.spec.name),
    spec.profile ?? "profile",
  );
  const lenet = loadLenet(spec.classifier);
  const ideal = await idealImages(spec, ctx);
  const idealX = clipToDataRange(ideal.images.x0);
  const n = ideal.images.labels.length;
  const idealLabels = classifierAgreement(
    lenet.logits(idealX, n),
    ideal.images.labels,
    LENET_CLASSES,
  );
  let faithful = ideal;
  let reused = true;
  if (!p.ideal && !isIdealProfile(profile)) {
    faithful = await drawSpecImages(
      spec,
      circuitEngine(profile, {
        mismatchSeed: p.seed,
        rtol: spec.rtol,
        atol: spec.atol,
        precision: spec.precision,
        lockstep: spec.lockstep,
      }),
      ctx,
    );
    reused = false;
  }
  const x = clipToDataRange(faithful.images.x0);
  const a = classifierAgreement(lenet.logits(x, n), faithful.images.labels, LENET_CLASSES);
  let sameLabel = 0;
  for (let k = 0; k < n; k++) if (a.labels[k] === idealLabels.labels[k]) sameLabel++;
  let maxAbs = 0;
  for (let k = 0; k < x.length; k++) maxAbs = Math.max(maxAbs, Math.abs(x[k] - idealX[k]));
  const forwards = n * spec.steps * (spec.w === 0 ? 1 : 2);
  const keep = gridSamples(faithful.images.labels, spec.gridPerClass);
  return {
    weightsSha256: unet.weightsSha256,
    point: p.point,
    axis: Object.keys(p.point).join("+") || "ideal",
    value: Object.values(p.point).length === 1 ? Object.values(p.point)[0] : p.point,
    mismatchSeed: p.seed,
    ideal: p.ideal,
    profile: profileDocument(profile),
    n,
    classes: Array.from(faithful.images.labels),
    pixelRmse: pixelRmse(x, idealX),
    pixelMaxAbs: maxAbs,
    agreement: a.fraction,
    agree: a.agree,
    idealAgreement: idealLabels.fraction,
    sameLabelAsIdeal: sameLabel / n,
    labels: Array.from(a.labels),
    idealLabels: Array.from(idealLabels.labels),
    timing: {
      faithfulS: reused ? 0 : faithful.seconds,
      idealS: ideal.seconds,
      forwards,
      msPerForward: reused ? null : (1000 * faithful.seconds) / forwards,
      faithfulReusedIdeal: reused,
    },
    settings: {
      steps: spec.steps,
      w: spec.w,
      noiseSeed: spec.noiseSeed,
      rtol: spec.rtol,
      atol: spec.atol,
      lockstep: spec.lockstep,
      sampler: "ddim",
    },
    imageRmse: perSampleRmse(x, idealX, n),
    gridSamples: keep,
    images: keptImages(faithful.images.x0, n, keep),
  };
}
