/**
 * Hardware-faithful sampling (docs/hardware.md): the committed sweeps and the performance rows.
 *
 *   flock /tmp/cellspice-cpu.lock npx tsx bench/hardware.ts layers [--crop 8] [--out FILE]
 *       layer by layer, both cellular fixtures: the relative RMS change of each layer's output
 *       (golden input, a crop) under each profile point and mismatch seed → docs/hardware/layers.jsonl
 *       (the n_feat 16 CellNN's and the M-CellNN's; the n_feat 32 CellNN's: --out docs/hardware/layers-nf32.jsonl)
 *   flock /tmp/cellspice-cpu.lock npx tsx bench/hardware.ts sweep models/hardware/sweep-cellnn.json docs/hardware/sweep-cellnn.jsonl
 *       the hardware-sample jobs of a sweep spec in a plain in-process loop, one JSONL row per job,
 *       finished keys skipped on a re-run; `… sweep SPEC OUT --only AXIS,…` runs only the jobs of
 *       those axes (and the ideal one), e.g. in a second process on the other core; `--shard I/N`
 *       runs every N-th job (and the ideal one), each shard into a rows file of its own
 *   npx tsx bench/hardware.ts merge SPEC OUT IN [IN …]
 *       the rows files of one sweep's shards into OUT, in the spec's job order (merge())
 *   flock /tmp/cellspice-cpu.lock npx tsx bench/hardware.ts perf
 *       time of a UNet forward (golden input, batch 1) on the cell engine and on the circuit engine
 *       with 1 % mismatch on all 7 layers, and the memory of the mismatch → bench/results/hardware.jsonl
 *   flock /tmp/cellspice-cpu.lock npx tsx bench/hardware.ts variant-scaling
 *       one evaluation of a C → C layer's correlation, shared template against per-cell
 *       coefficients, C = 16…128, and the floor of reading those coefficients once
 *       (src/bench/memoryStream.ts) (variantScaling()) → bench/results/hardware.jsonl
 *   flock /tmp/cellspice-cpu.lock npx tsx bench/hardware.ts devices
 *       one M-CellNN UNet forward (golden input, batch 1) with every memristor its own device
 *       (G_m σ 10 %, all 7 layers, rtol 1e-5): a first and a second forward on one circuit engine
 *       → bench/results/hardware.jsonl
 *   flock /tmp/cellspice-cpu.lock npx tsx bench/hardware.ts image [--rtol 1e-4] [--precision float32]
 *       one faithful image (DDIM 25, w = 2, 1 % mismatch on all 7 layers) and its ideal → bench/results/hardware.jsonl
 *   flock /tmp/cellspice-cpu.lock npx tsx bench/hardware.ts lockstep [--groups 1,2,4]
 *       two faithful images (4 inputs per forward) with the circuit engine's lockstep at each group
 *       size, against one input at a time and the ideal (lockstep()) → bench/results/hardware.jsonl
 *   flock /tmp/cellspice-cpu.lock npx tsx bench/hardware.ts shared
 *       the faithful image at 6-bit templates on the circuit engine's shared path (the cell engine)
 *       and on its per-cell mapped path (shared()) → bench/results/hardware.jsonl
 */
import {
  appendFileSync,
  existsSync,
  mkdirSync,
  readFileSync,
  renameSync,
  writeFileSync,
} from "node:fs";
import { dirname } from "node:path";
import { benchEnvironment, loadAverage } from "../src/bench/environment.js";
import { memoryStream } from "../src/bench/memoryStream.js";
import { correlateAdd3x3Simd } from "../src/cells/correlate.js";
import type { Template } from "../src/cells/template.js";
import { randomStream } from "../src/core/counterRandom.js";
import { seededRandom, uniformArray } from "../src/core/random.js";
import { variantCorrelator } from "../src/hardware/correlateVariant.js";
import {
  circuitEngine,
  hardwareResources,
  idealProfile,
  mapLayer,
  mappedCells,
  withProfile,
} from "../src/hardware/index.js";
import { clipToDataRange, pixelRmse } from "../src/report/sampleScores.js";
import {
  drawSpecImages,
  hardwareSampleKind,
  oneImageSpec,
} from "../src/sweep/kinds/hardwareSample.js";
import { exportWeightsSha256 } from "../src/trained/exportDir.js";
import { cellEngine, loadUnet, type TrainedCellLayer, unetForward } from "../src/unet/index.js";

const [mode, ...rest] = process.argv.slice(2);
const command = `npx tsx bench/hardware.ts ${process.argv.slice(2).join(" ")}`;

function append(path: string, row: unknown): void {
  mkdirSync(dirname(path), { recursive: true });
  appendFileSync(path, `${JSON.stringify(row)}\n`);
}

/**
 * The keys already in a rows file. Every row must come from the weights the run would use now
 * (`weights(row)`, the sha256 of the model's model.safetensors): a rows file of a retrained
 * model is refused rather than extended, since its finished keys would be skipped.
 */
function doneKeys(path: string, weights: (row: Record<string, unknown>) => string): Set<string> {
  if (!existsSync(path)) return new Set();
  const keys = new Set<string>();
  for (const line of readFileSync(path, "utf8").split("\n")) {
    if (!line.trim()) continue;
    let row: Record<string, unknown>;
    try {
      row = JSON.parse(line);
    } catch {
      continue; // a torn last line: redone
    }
    const want = weights(row);
    if (row.weightsSha256 !== want) {
      const had = typeof row.weightsSha256 === "string" ? row.weightsSha256 : "not recorded";
      throw new Error(
        `${path}: row ${String(row.key)} was computed from other weights (sha256 ${had.slice(0, 12)}…, the model's now ${want.slice(0, 12)}…): write this run to a new rows file`,
      );
    }
    keys.add(String(row.key));
  }
  return keys;
}

/** A fixture and its golden forward's inputs (x_t, classes, t, context drop; batch 1). */
function goldenForward(fixture: string) {
  const unet = loadUnet(`test/fixtures/models/${fixture}`);
  const golden = unet.golden!;
  return {
    unet,
    x: golden.get("forward.x_t")!.data,
    c: Int32Array.from(golden.get("forward.c")!.data),
    t: golden.get("forward.t")!.data,
    drop: golden.get("forward.drop")!.data,
  };
}

function cropInput(t: { data: Float64Array; shape: number[] }, side: number) {
  const [batch, channels, rows, cols] = t.shape;
  const h = Math.min(side, rows);
  const w = Math.min(side, cols);
  const r0 = Math.floor((rows - h) / 2);
  const c0 = Math.floor((cols - w) / 2);
  const out = new Float64Array(batch * channels * h * w);
  for (let b = 0; b < batch; b++)
    for (let c = 0; c < channels; c++)
      for (let i = 0; i < h; i++)
        for (let j = 0; j < w; j++)
          out[((b * channels + c) * h + i) * w + j] =
            t.data[((b * channels + c) * rows + r0 + i) * cols + c0 + j];
  return { u: out, shape: { batch, channels, rows: h, cols: w } };
}

const LAYER_POINTS: Record<string, unknown>[] = [
  ...[0.005, 0.01, 0.02, 0.05, 0.1].map((s) => ({ "mismatch.sigma": s })),
  ...[4, 5, 6, 8, 10].map((b) => ({ "quantisation.bits": b })),
  ...[0.5, 2].map((t) => ({ "settling.T_hw": t })),
];

async function layers(): Promise<void> {
  const side = Number(rest[rest.indexOf("--crop") + 1] ?? 8) || 8;
  // --out FILE: rows of other weights (a retrained fixture) go to a file of their own.
  const out = rest.includes("--out")
    ? rest[rest.indexOf("--out") + 1]
    : "docs/hardware/layers.jsonl";
  const fixtureWeights = (which: unknown) =>
    exportWeightsSha256(`test/fixtures/models/${String(which)}-mnist`);
  const done = doneKeys(out, (row) => fixtureWeights(row.fixture));
  const env = benchEnvironment(command);
  for (const which of ["cellnn", "mcellnn"]) {
    const unet = loadUnet(`test/fixtures/models/${which}-mnist`);
    const cell = cellEngine({ rtol: 1e-8, atol: 1e-10 });
    for (const layer of unet.cellLayers) {
      const g = unet.golden!.get(`layers.${layer.spec.name}.input`)!;
      const { u, shape } = cropInput(g, side);
      const ref = cell.run(layer, u, shape).y;
      let rr = 0;
      for (const v of ref) rr += v * v;
      const refRms = Math.sqrt(rr / ref.length);
      for (const point of LAYER_POINTS) {
        const seeded = "mismatch.sigma" in point;
        for (const seed of seeded ? [1, 2, 3] : [1]) {
          const key = `${which},${layer.spec.name},${JSON.stringify(point)},seed=${seed}`;
          if (done.has(key)) continue;
          const t0 = performance.now();
          const y = circuitEngine(withProfile(idealProfile(), point), {
            mismatchSeed: seed,
            rtol: 1e-8,
            atol: 1e-10,
          }).run(layer, u, shape).y;
          let d = 0;
          for (let k = 0; k < y.length; k++) d += (y[k] - ref[k]) ** 2;
          const rms = Math.sqrt(d / y.length);
          append(out, {
            key,
            fixture: which,
            weightsSha256: unet.weightsSha256,
            layer: layer.spec.name,
            point,
            axis: Object.keys(point)[0],
            value: Object.values(point)[0],
            seed,
            crop: [shape.rows, shape.cols],
            cells: layer.spec.c_out * shape.rows * shape.cols,
            relRms: rms / refRms,
            rms,
            refRms,
            ms: performance.now() - t0,
            load: loadAverage(),
            commit: env.commit,
            dirty: env.dirty,
            command,
          });
          process.stderr.write(`${key}: relRms ${(rms / refRms).toExponential(3)}\n`);
        }
      }
    }
  }
}

async function sweep(): Promise<void> {
  const [specPath, out, ...flags] = rest;
  // --only AXIS,…: only the jobs that vary these axes (a second process on the other core takes
  // them, into a rows file of its own), and the ideal job they are compared with.
  // --shard I/N: the jobs whose index in the spec's list is I−1 modulo N (N processes share a
  // sweep evenly, each into a rows file of its own), and the ideal job.
  const flag = (name: string) => {
    const i = flags.indexOf(name);
    return i < 0 ? null : (flags[i + 1] ?? "");
  };
  const only = flag("--only")?.split(",") ?? null;
  const shardText = flag("--shard");
  const shard = shardText === null ? null : shardText.split("/").map(Number);
  if (shard && !(shard.length === 2 && shard[0] >= 1 && shard[0] <= shard[1]))
    throw new Error(`--shard ${shardText}: expected I/N with 1 ≤ I ≤ N, e.g. --shard 1/2`);
  const doc = JSON.parse(readFileSync(specPath, "utf8"));
  const { format: _f, version: _v, kind: _k, seed, ...own } = doc;
  const spec = hardwareSampleKind.validate(own, specPath);
  const jobs = hardwareSampleKind.expand(spec);
  const weights = exportWeightsSha256(spec.model);
  const done = doneKeys(out, () => weights);
  const env = benchEnvironment(command);
  process.stderr.write(`${jobs.length} jobs, ${done.size} done\n`);
  for (const [index, job] of jobs.entries()) {
    if (done.has(job.key)) continue;
    if (only && job.key !== "ideal" && !only.some((axis) => job.key.startsWith(`${axis}=`)))
      continue;
    if (shard && job.key !== "ideal" && index % shard[1] !== shard[0] - 1) continue;
    const t0 = performance.now();
    const row = await hardwareSampleKind.run(job, {
      random: randomStream(seed, job.key),
      checkInterrupt: () => {},
    });
    const ms = performance.now() - t0;
    append(out, {
      key: job.key,
      kind: job.kind,
      ...row,
      ms,
      load: loadAverage(),
      commit: env.commit,
      dirty: env.dirty,
      command,
    });
    process.stderr.write(
      `${job.key}: rmse ${(row.pixelRmse as number).toFixed(4)} agreement ${row.agreement} (${(ms / 1000).toFixed(0)} s)\n`,
    );
  }
}

/**
 * merge SPEC OUT IN…: the rows of several rows files of one sweep (shards, or runs on other
 * machines) into OUT, in the spec's job order. A key found twice must be the same result: the
 * same images, labels and per-sample RMSE (each process draws the ideal images itself; a
 * deterministic job run by two processes gives the same), else it is an error; the first row is
 * kept. Rows of keys the spec does not have are an error too. OUT is written to a
 * temporary sibling and renamed, so it may be one of the inputs.
 */
function merge(): void {
  const [specPath, out, ...inputs] = rest;
  if (!specPath || !out || inputs.length === 0)
    throw new Error("usage: bench/hardware.ts merge SPEC OUT IN [IN …]");
  const doc = JSON.parse(readFileSync(specPath, "utf8"));
  const { format: _f, version: _v, kind: _k, seed: _s, ...own } = doc;
  const jobs = hardwareSampleKind.expand(hardwareSampleKind.validate(own, specPath));
  const order = new Map(jobs.map((j, i) => [j.key, i]));
  const rows = new Map<string, { line: string; row: Record<string, unknown>; from: string }>();
  let first: { weights: unknown; from: string } | undefined;
  for (const path of inputs)
    for (const line of readFileSync(path, "utf8").split("\n")) {
      if (!line.trim()) continue;
      let row: Record<string, unknown>;
      try {
        row = JSON.parse(line);
      } catch {
        process.stderr.write(`${path}: a torn line skipped\n`);
        continue;
      }
      const key = String(row.key);
      if (!order.has(key)) throw new Error(`${path}: row ${key} is not a job of ${specPath}`);
      first ??= { weights: row.weightsSha256, from: path };
      if (row.weightsSha256 !== first.weights)
        throw new Error(
          `${path}: row ${key} comes from other weights (sha256 ${String(row.weightsSha256)}) than the first row of ${first.from} (${String(first.weights)}): rows of one model only`,
        );
      const seen = rows.get(key);
      if (!seen) {
        rows.set(key, { line, row, from: path });
        continue;
      }
      const same = (f: string) => JSON.stringify(seen.row[f]) === JSON.stringify(row[f]);
      // (rows written before imageRmse existed have none: their images decide)
      const rmse =
        seen.row.imageRmse === undefined || row.imageRmse === undefined || same("imageRmse");
      if (!(same("images") && same("labels") && same("idealLabels") && rmse))
        throw new Error(
          `the ${key} rows of ${seen.from} and ${path} differ: not the same sweep (or a seeded job run twice)`,
        );
    }
  const merged = [...rows.entries()].sort(([a], [b]) => order.get(a)! - order.get(b)!);
  const tmp = `${out}.merge-${process.pid}`;
  writeFileSync(tmp, merged.map(([, r]) => `${r.line}\n`).join(""));
  renameSync(tmp, out);
  process.stderr.write(`${out}: ${merged.length} of ${jobs.length} jobs\n`);
}

/**
 * How per-cell mismatch scales with the channels (n_feat 16 → 128): one evaluation of a C → C
 * layer's 3×3 correlation on a 28 × 28 field (and 14 × 14), the shared template
 * (correlateAdd3x3Simd, what the ideal `cell` engine's float64 reference does) against the
 * per-cell coefficients (variantCorrelator, float64 and float32), with the bytes each streams.
 * Best of repeats filling 0.3 s, after one warm-up → bench/results/hardware.jsonl.
 */
function variantScaling(): void {
  const out = "bench/results/hardware.jsonl";
  const env = benchEnvironment(command);
  const best = (task: () => void) => {
    task();
    let ms = Number.POSITIVE_INFINITY;
    let total = 0;
    for (let r = 0; r < 3 || total < 300; r++) {
      const t0 = performance.now();
      task();
      const dt = performance.now() - t0;
      ms = Math.min(ms, dt);
      total += dt;
    }
    return ms;
  };
  for (const S of [14, 28])
    for (const C of [16, 32, 64, 128]) {
      const rand = seededRandom(C * 100 + S);
      const t: Template = {
        outChannels: C,
        inChannels: C,
        size: 3,
        data: uniformArray(C * C * 9, -1, 1, rand),
      };
      const plane = S * S;
      // Every cell's coefficients: the template's, each ×(1 + 0.01·ε), rounded to float32 (as mapLayer).
      const coeffs = new Float64Array(C * C * plane * 9);
      for (let o = 0; o < C; o++)
        for (let c = 0; c < C; c++)
          for (let p = 0; p < plane; p++)
            for (let m = 0; m < 9; m++)
              coeffs[((o * C + c) * plane + p) * 9 + m] = Math.fround(
                t.data[(o * C + c) * 9 + m] * (1 + 0.02 * (rand() - 0.5)),
              );
      const padded = uniformArray(C * (S + 2) * (S + 2), -1, 1, rand);
      const sum = new Float64Array(C * plane);
      const shared = best(() => correlateAdd3x3Simd(t, padded, 1, S, S, sum.fill(0)));
      const row: Record<string, unknown> = { case: "variant-scaling", C, S, sharedMs: shared };
      for (const precision of ["float64", "float32"] as const) {
        const v = variantCorrelator(t, coeffs, 1, S, S, undefined, precision);
        row[`${precision}Ms`] = best(() => v.correlateAdd(padded, sum.fill(0)));
        row[`${precision}Ratio`] = (row[`${precision}Ms`] as number) / shared;
      }
      const coefficientBytes = 4 * coeffs.length;
      row.coefficientBytesFloat32 = coefficientBytes;
      // The floor: reading the same float32 coefficient bytes once, and nothing else.
      const probe = memoryStream(coeffs.length);
      if (probe !== null) {
        probe.data.set(coeffs);
        row.streamMs = best(() => probe.stream());
        row.streamGBs = coefficientBytes / (row.streamMs as number) / 1e6;
        row.float32OverStream = (row.float32Ms as number) / (row.streamMs as number);
        row.float64OverStream = (row.float64Ms as number) / (row.streamMs as number);
      }
      row.sharedTemplateBytes = 8 * t.data.length;
      append(out, { ...row, ...env, load: loadAverage() });
      process.stderr.write(
        `C ${C}, ${S}×${S}: shared ${shared.toFixed(2)} ms, per-cell float64 ${(row.float64Ms as number).toFixed(2)} ms (${(row.float64Ratio as number).toFixed(2)}×), float32 ${(row.float32Ms as number).toFixed(2)} ms (${(row.float32Ratio as number).toFixed(2)}×); reading the coefficients alone ${Number(row.streamMs).toFixed(2)} ms (${Number(row.streamGBs).toFixed(1)} GB/s)\n`,
      );
    }
}

/** Device-to-device memristor variation on the M-CellNN fixture: the time of a UNet forward. */
async function devices(): Promise<void> {
  const out = "bench/results/hardware.jsonl";
  const env = benchEnvironment(command);
  const { unet, x, c, t, drop } = goldenForward("mcellnn-mnist");
  const profile = withProfile(idealProfile(), { "memristor.sigma": { G_m: 0.1 } });
  const engine = circuitEngine(profile, { mismatchSeed: 1, rtol: 1e-5, atol: 1e-7 });
  const t0 = performance.now();
  await unetForward(unet, x, c, t, drop, engine); // realises the circuit
  const t1 = performance.now();
  const y = await unetForward(unet, x, c, t, drop, engine);
  const t2 = performance.now();
  append(out, {
    case: "memristor-devices-forward",
    fixture: "mcellnn-mnist",
    memristorSigma: { G_m: 0.1 },
    rtol: 1e-5,
    atol: 1e-7,
    batch: c.length,
    firstForwardMs: t1 - t0,
    secondForwardMs: t2 - t1,
    outputSum: y.reduce((s, v) => s + v, 0),
    ...env,
    load: loadAverage(),
  });
  process.stderr.write(
    `M-CellNN forward, G_m σ 10 %: first ${(t1 - t0).toFixed(0)} ms, second ${(t2 - t1).toFixed(0)} ms\n`,
  );
}

/**
 * One faithful image: DDIM 25, w = 2, all 7 layers on the circuit engine with 1 % mismatch, and
 * its ideal (`cell` engine) from the same noise, at the default tolerances (rtol 1e-6) and at the
 * sweeps' 1e-4, in float64 and (at 1e-4) in float32. The realisation of the mismatched circuit
 * (once per circuit: a sweep point reuses it for all its samples) is timed apart from the
 * sampling; and each engine draws the image twice more, the second time with its circuit
 * realised and its kernels packed (the cost of every further sample of a sweep point).
 */
async function image(): Promise<void> {
  const out = "bench/results/hardware.jsonl";
  const env = benchEnvironment(command);
  const unet = loadUnet("test/fixtures/models/cellnn-mnist", { golden: false });
  const profile = withProfile(idealProfile(), { "mismatch.sigma": 0.01 });
  const t0 = performance.now();
  for (const l of unet.cellLayers) mapLayer(l, profile, 1, l.spec.height ?? 28, l.spec.width ?? 28);
  const realiseS = (performance.now() - t0) / 1000;
  const cases = [
    { rtol: 1e-6, precision: "float64" },
    { rtol: 1e-4, precision: "float64" },
    { rtol: 1e-4, precision: "float32" },
  ] as const;
  // image --rtol 1e-4 [--precision float32]: only the cases at that tolerance (and precision).
  const option = (name: string) => {
    const at = rest.indexOf(name);
    return at >= 0 ? rest[at + 1] : undefined;
  };
  const only = option("--rtol") === undefined ? null : Number(option("--rtol"));
  const onlyPrecision = option("--precision") ?? null;
  for (const { rtol, precision } of cases) {
    if (only !== null && rtol !== only) continue;
    if (onlyPrecision !== null && precision !== onlyPrecision) continue;
    const atol = rtol / 100;
    const spec = oneImageSpec("test/fixtures/models/cellnn-mnist", { rtol, atol, precision });
    const [idealJob, job] = hardwareSampleKind.expand(spec);
    const ctx = { random: randomStream(0, "image"), checkInterrupt: () => {} };
    const t1 = performance.now();
    await hardwareSampleKind.run(idealJob, ctx);
    const idealS = (performance.now() - t1) / 1000;
    const t2 = performance.now();
    const row = await hardwareSampleKind.run(job, ctx);
    const faithfulS = (performance.now() - t2) / 1000;
    // Once a circuit is realised and its kernels packed (what every further sample of a sweep
    // point pays): each engine's second image, the same engine object as its first.
    const again = async (engine: Parameters<typeof drawSpecImages>[1]) => {
      const first = await drawSpecImages(spec, engine, ctx);
      const second = await drawSpecImages(spec, engine, ctx);
      return { first: first.seconds, second: second.seconds };
    };
    const idealRuns = await again(cellEngine({ rtol, atol, precision }));
    const faithfulRuns = await again(
      circuitEngine(profile, { mismatchSeed: 1, rtol, atol, precision }),
    );
    append(out, {
      case: "image",
      ...faithfulImageCase(rtol, atol, precision),
      threads: 1,
      idealImageS: idealS,
      faithfulImageS: faithfulS,
      faithfulIncludes: "the realisation of the circuit (mapLayer for all 7 layers)",
      realiseS,
      faithfulSamplingS: faithfulS - realiseS,
      ratio: (faithfulS - realiseS) / idealS,
      idealFirstS: idealRuns.first,
      idealSecondS: idealRuns.second,
      faithfulFirstS: faithfulRuns.first,
      faithfulSecondS: faithfulRuns.second,
      secondRatio: faithfulRuns.second / idealRuns.second,
      pixelRmse: row.pixelRmse,
      ...env,
      load: loadAverage(),
    });
    process.stderr.write(
      `rtol ${rtol}, ${precision}: one image: ideal ${idealS.toFixed(1)} s, faithful ${faithfulS.toFixed(1)} s (of which realisation ${realiseS.toFixed(1)} s); second image on the same engines: ideal ${idealRuns.second.toFixed(1)} s, faithful ${faithfulRuns.second.toFixed(1)} s\n`,
    );
  }
}

/** The fields of a row of the faithful image (oneImageSpec) at these solver settings. */
function faithfulImageCase(rtol: number, atol: number, precision: "float64" | "float32") {
  return {
    fixture: "cellnn-mnist",
    sampler: "ddim",
    steps: 25,
    w: 2,
    rtol,
    atol,
    precision,
    mismatchSigma: 0.01,
  };
}

/**
 * Lockstep solves on the circuit engine (circuitEngine `lockstep`): the same faithful images —
 * DDIM 25, w = 2, 1 % mismatch on all 7 layers, float32, rtol 1e-4, classes 0 and 5 (a batch of
 * 2 samples, 4 inputs per forward with the guidance pair) — on one engine per group size, after
 * a warm-up image that realises the circuit and packs its kernels; the ideal (`cell`) images of
 * the same spec beside them. Each row: seconds, ms per image-forward, the pixel RMSE to the
 * images solved one input at a time (what sharing the steps changes) and to the ideal.
 */
async function lockstep(): Promise<void> {
  const out = "bench/results/hardware.jsonl";
  const env = benchEnvironment(command);
  const groups = (rest[0] === "--groups" ? rest[1] : "1,2,4").split(",").map(Number);
  const rtol = 1e-4;
  const atol = 1e-6;
  const precision = "float32" as const;
  const model = "test/fixtures/models/cellnn-mnist";
  const profile = withProfile(idealProfile(), { "mismatch.sigma": 0.01 });
  const warm = oneImageSpec(model, { rtol, atol, precision });
  const spec = hardwareSampleKind.validate(
    {
      model,
      axes: { "mismatch.sigma": [0.01] },
      seeds: [1],
      classes: [0, 5],
      steps: 25,
      w: 2,
      rtol,
      atol,
      precision,
    },
    "lockstep",
  );
  const ctx = { random: randomStream(0, "lockstep"), checkInterrupt: () => {} };
  const samples = spec.classes.length * spec.perClass;
  const forwards = 2 * spec.steps * samples; // image-forwards (the guidance pair)
  const idealEngine = cellEngine({ rtol, atol, precision });
  await drawSpecImages(warm, idealEngine, ctx);
  const ideal = await drawSpecImages(spec, idealEngine, ctx);
  const idealX = clipToDataRange(ideal.images.x0);
  let alone: Float64Array | null = null;
  for (const G of groups) {
    const engine = circuitEngine(profile, { mismatchSeed: 1, rtol, atol, precision, lockstep: G });
    const warmS = (await drawSpecImages(warm, engine, ctx)).seconds;
    const drawn = await drawSpecImages(spec, engine, ctx);
    const x = clipToDataRange(drawn.images.x0);
    if (G === 1) alone = x;
    append(out, {
      case: "lockstep",
      ...faithfulImageCase(rtol, atol, precision),
      samples,
      inputsPerForward: 2 * samples,
      lockstep: G,
      warmUpS: warmS,
      seconds: drawn.seconds,
      msPerImageForward: (1000 * drawn.seconds) / forwards,
      idealSeconds: ideal.seconds,
      ratio: drawn.seconds / ideal.seconds,
      pixelRmseToAlone: alone ? pixelRmse(x, alone) : null,
      pixelRmseToIdeal: pixelRmse(x, idealX),
      ...env,
      load: loadAverage(),
    });
    process.stderr.write(
      `lockstep ${G}: ${drawn.seconds.toFixed(1)} s for ${samples} images (ideal ${ideal.seconds.toFixed(1)} s, ${(drawn.seconds / ideal.seconds).toFixed(2)}x)\n`,
    );
  }
}

/**
 * A circuit that is the same in every cell (6-bit templates, nothing else): the faithful
 * image spec at that point, on the circuit engine's shared path (the `cell` engine with the
 * programmed templates) and on its per-cell mapped path, float32 at rtol 1e-4, each engine's
 * second image, with the ideal image beside them and the pixel RMSE between the two paths.
 */
async function shared(): Promise<void> {
  const out = "bench/results/hardware.jsonl";
  const env = benchEnvironment(command);
  const rtol = 1e-4;
  const atol = 1e-6;
  const precision = "float32" as const;
  const model = "test/fixtures/models/cellnn-mnist";
  const profile = withProfile(idealProfile(), { "quantisation.bits": 6 });
  const spec = oneImageSpec(model, { rtol, atol, precision });
  const ctx = { random: randomStream(0, "shared"), checkInterrupt: () => {} };
  const twice = async (engine: Parameters<typeof drawSpecImages>[1]) => {
    await drawSpecImages(spec, engine, ctx);
    return drawSpecImages(spec, engine, ctx);
  };
  const ideal = await twice(cellEngine({ rtol, atol, precision }));
  const viaCell = await twice(circuitEngine(profile, { rtol, atol, precision }));
  const mapped = await twice(
    circuitEngine(profile, { rtol, atol, precision, sharedCircuits: false }),
  );
  append(out, {
    case: "shared-circuit",
    ...faithfulImageCase(rtol, atol, precision),
    mismatchSigma: 0,
    quantisationBits: 6,
    idealS: ideal.seconds,
    sharedS: viaCell.seconds,
    mappedS: mapped.seconds,
    speedUp: mapped.seconds / viaCell.seconds,
    pixelRmseSharedToMapped: pixelRmse(
      clipToDataRange(viaCell.images.x0),
      clipToDataRange(mapped.images.x0),
    ),
    ...env,
    load: loadAverage(),
  });
  process.stderr.write(
    `6 bits: shared ${viaCell.seconds.toFixed(1)} s, mapped ${mapped.seconds.toFixed(1)} s, ideal ${ideal.seconds.toFixed(1)} s\n`,
  );
}

async function perf(): Promise<void> {
  const out = "bench/results/hardware.jsonl";
  const env = benchEnvironment(command);
  const { unet, x, c, t, drop } = goldenForward("cellnn-mnist");
  const profile = withProfile(idealProfile(), { "mismatch.sigma": 0.01 });
  const timeIt = async (engine: Parameters<typeof unetForward>[5]) => {
    await unetForward(unet, x, c, t, drop, engine); // warm-up (and, for the circuit, realisation)
    const times: number[] = [];
    for (let r = 0; r < 3; r++) {
      const t0 = performance.now();
      await unetForward(unet, x, c, t, drop, engine);
      times.push(performance.now() - t0);
    }
    return times.sort((a, b) => a - b)[1];
  };
  for (const rtol of [1e-6, 1e-4]) {
    const atol = rtol / 100;
    const cellMs = await timeIt(cellEngine({ rtol, atol }));
    const circuit = circuitEngine(profile, { mismatchSeed: 1, rtol, atol });
    const realise = performance.now();
    for (const l of unet.cellLayers)
      mapLayer(l, profile, 1, l.spec.height ?? 28, l.spec.width ?? 28);
    const mapMs = performance.now() - realise;
    const circuitMs = await timeIt(circuit);
    append(out, {
      case: "forward",
      fixture: "cellnn-mnist",
      rtol,
      atol,
      cellMsPerForward: cellMs,
      circuitMsPerForward: circuitMs,
      ratio: circuitMs / cellMs,
      realiseMs: mapMs,
      imageDdim25w2EstimateS: (50 * circuitMs) / 1000,
      ...env,
      load: loadAverage(),
    });
    process.stderr.write(
      `rtol ${rtol}: cell ${cellMs.toFixed(0)} ms, circuit ${circuitMs.toFixed(0)} ms per forward, realise ${mapMs.toFixed(0)} ms\n`,
    );
  }
  const r = hardwareResources(unet.cellLayers, profile, {
    imageSize: 28,
    nFeat: unet.nFeat,
    forwardsPerImage: 50,
  });
  const cells = unet.cellLayers.reduce(
    (s, l: TrainedCellLayer) => s + l.spec.c_out * (l.spec.height ?? 28) * (l.spec.width ?? 28),
    0,
  );
  const m0 = mapLayer(unet.cellLayers[1], profile, 1, 28, 28);
  append(out, {
    case: "mismatch-memory",
    fixture: "cellnn-mnist",
    bytes: r.totals.mismatchBytes,
    cells,
    bytesPerCellDown1: (8 * (m0.A.length + m0.B.length + m0.z.length)) / mappedCells(m0),
    bytesAtNFeat128: r.totals.mismatchBytesAtNFeat128,
    ...env,
    load: loadAverage(),
  });
}

if (mode === "layers") await layers();
else if (mode === "sweep") await sweep();
else if (mode === "perf") await perf();
else if (mode === "image") await image();
else if (mode === "lockstep") await lockstep();
else if (mode === "shared") await shared();
else if (mode === "devices") await devices();
else if (mode === "merge") merge();
else if (mode === "variant-scaling") variantScaling();
else {
  process.stderr.write(
    "usage: bench/hardware.ts layers [--crop N] [--out FILE] | sweep SPEC OUT [--only AXES] [--shard I/N] | merge SPEC OUT IN… | variant-scaling | perf | image [--rtol R] [--precision P] | lockstep [--groups 1,2,4] | shared | devices\n",
  );
  process.exitCode = 2;
}
