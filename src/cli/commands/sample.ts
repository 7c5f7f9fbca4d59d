import { basename, join, resolve } from "node:path";
import { type Command, Option } from "commander";
import { ddimTimesteps, ddpmSchedule, MAX_PER_CLASS } from "../../diffusion/index.js";
import { circuitEngine, MAX_LOCKSTEP } from "../../hardware/index.js";
import { loadLenet, type MnistReference, mnistDir, mnistReference } from "../../metrics/index.js";
import { loadHardwareProfile } from "../../report/hardwareProfile.js";
import {
  SAMPLE_FILE_NAMES,
  type SampleImages,
  writeSampleOutputs,
} from "../../report/sampleOutputs.js";
import { pixelRmse, scoreSamples } from "../../report/sampleScores.js";
import type { SampleRunRecord, SampleSetRecord } from "../../report/sampleSummary.js";
import {
  cellEngine,
  type EngineSpec,
  type LayerEngine,
  loadUnet,
  MAX_THREADS,
  type ParallelEngine,
  parallelEngine,
  trainedEngine,
} from "../../unet/index.js";
import { act } from "../action.js";
import { guardInputs } from "../files.js";
import { writeOutputDirectory } from "../outputPath.js";
import { formatTable } from "../table.js";
import { packageVersion } from "../version.js";
import {
  defaultClassifier,
  integerOption,
  numberOption,
  parseClasses,
  runNoise,
} from "./sampleOptions.js";
import { sampleSet } from "./sampleRun.js";

interface Flags {
  classes?: string;
  perClass: string;
  sampler: "ddim" | "ddpm";
  steps?: string;
  w: string;
  engine?: "trained" | "cell";
  precision?: "float64" | "float32";
  seed: string;
  noise?: string;
  batch: string;
  threads: string;
  data?: string;
  fid?: boolean;
  outDir?: string;
  hardware?: string;
  mismatchSeed: string;
  lockstep: string;
  classifier?: string;
  rtol?: string;
  atol?: string;
}

/**
 * The hardware circuit engine's module, as worker threads import it (--threads with --hardware):
 * the compiled .js beside this file, or the .ts source when running under tsx.
 */
const CIRCUIT_MODULE = new URL(
  `../../hardware/circuitEngine.${import.meta.url.endsWith(".ts") ? "ts" : "js"}`,
  import.meta.url,
).href;

/** `cellspice sample MODEL_DIR`: class-conditional samples of a trained diffusion UNet. */
export function registerSample(program: Command): void {
  const cmd = program
    .command("sample")
    .description(
      "draw class-conditional images from a trained diffusion UNet export (DDIM or DDPM), its cellular layers on a cellspice engine; write a PNG grid, the samples, a summary and a report",
    )
    .argument(
      "<model-dir>",
      "export directory of a trained UNet (manifest.json, model.safetensors)",
    )
    .option(
      "--classes <list>",
      "classes to draw, in order: ranges and lists, e.g. 0-9 or 0,3,5 (default: every class)",
    )
    .option("--per-class <n>", "samples per class", "10")
    .addOption(
      new Option(
        "--sampler <name>",
        "DDIM (Song et al. 2021, σ = 0) or ancestral DDPM (Ho et al. 2020)",
      )
        .choices(["ddim", "ddpm"])
        .default("ddim"),
    )
    .option(
      "--steps <n>",
      "DDIM: timesteps visited, 1…n_T (default 50); DDPM: must be n_T (the default)",
    )
    .option("--w <w>", "classifier-free guidance weight: ε = (1 + w)·ε(x, c) − w·ε(x, ∅)", "2")
    .addOption(
      new Option(
        "--engine <name>",
        "what computes the cellular layers: trained (their training solver, parity with PyTorch) or cell (the continuous cell, adaptive; default with --hardware)",
      ).choices(["trained", "cell"]),
    )
    .addOption(
      new Option(
        "--precision <p>",
        "float64 (parity with PyTorch) or float32: the correlation A ⋆ f(x) and the digital 3×3 convolutions in float32 SIMD, the state and solver float64 (trained, cell and, with --hardware, circuit engines; docs/unet.md, docs/hardware.md)",
      )
        .choices(["float64", "float32"])
        .default("float64"),
    )
    .option(
      "--rtol <r>",
      "cell and circuit engines: relative tolerance of the adaptive solver (default 1e-6)",
    )
    .option("--atol <a>", "cell and circuit engines: absolute tolerance (default 1e-8)")
    .option("--seed <s>", "seed of x_T and the ancestral noise (docs/sampling.md)", "0")
    .option(
      "--noise <file>",
      "take x_T (N×C×H×W F32, the run's order) and, for ddpm, z (n_T×N×C×H×W F32) from this safetensors file",
    )
    .option("--batch <n>", "samples per network batch (twice that many images with guidance)", "32")
    .option(
      "--threads <n>",
      "threads (this one and N − 1 workers) that share each cellular layer's batch (same samples, bit for bit, at any count; docs/sampling.md)",
      "1",
    )
    .option(
      "--fid",
      "also FID and KID against the MNIST test set (needs --data or $CELLSPICE_MNIST)",
    )
    .option("--data <dir>", "MNIST directory (the IDX files) for --fid; default $CELLSPICE_MNIST")
    .option(
      "--classifier <file>",
      "LeNet-5 weights for agreement and FID (default: the committed test/fixtures/models/lenet-mnist.safetensors)",
    )
    .option(
      "--hardware <profile.json>",
      "also sample with the circuit engine of this hardware profile, from the same noise, beside the ideal cell engine",
    )
    .option("--mismatch-seed <s>", "--hardware: seed of the realised circuit's mismatch", "0")
    .option(
      "--lockstep <g>",
      "--hardware: solve each analog layer's inputs g at a time in lockstep (one DOPRI5 step size, each input's tolerance met; the per-cell coefficients read once for the g). Default 1: each input alone",
      "1",
    )
    .option("--out-dir <dir>", "output directory (default out/sample/<model dir name>)");
  cmd.addHelpText(
    "after",
    `
Writes samples.png (one column per class), samples.safetensors (x0 N×C×H×W float32, class-major;
classes int64), summary.json and report.html into the output directory, all at once: a failed or
interrupted run leaves an existing directory as it was. With --hardware also samples-ideal.png and
x0_ideal, and the pixel RMSE between the two sets.

Example:
  cellspice sample test/fixtures/models/cellnn-mnist --classes 0-9 --per-class 4 --steps 25 --out-dir out/cellnn`,
  );
  cmd.action(
    act<Flags>(async ([modelDir], flags, ctx) => {
      const began = performance.now();
      const started = new Date().toISOString();
      const unet = loadUnet(modelDir, { golden: false });
      const classes = parseClasses(flags.classes ?? `0-${unet.nClasses - 1}`, unet.nClasses);
      const perClass = integerOption(
        "--per-class",
        flags.perClass,
        1,
        MAX_PER_CLASS,
        `an integer in 1…${MAX_PER_CLASS}`,
      );
      const schedule = ddpmSchedule(unet.nT, unet.betas);
      const sampler = flags.sampler;
      const steps =
        sampler === "ddim"
          ? integerOption(
              "--steps",
              flags.steps ?? "50",
              1,
              unet.nT,
              `an integer in 1…${unet.nT} (n_T) for ddim`,
            )
          : integerOption(
              "--steps",
              flags.steps ?? String(unet.nT),
              unet.nT,
              unet.nT,
              `${unet.nT} (n_T): DDPM's chain has no shortcut; use --sampler ddim for fewer steps`,
            );
      const w = numberOption("--w", flags.w, "a finite number ≥ 0", (x) => x >= 0);
      const batch = integerOption("--batch", flags.batch, 1, 1 << 16, "an integer ≥ 1");
      const seed = integerOption(
        "--seed",
        flags.seed,
        0,
        Number.MAX_SAFE_INTEGER,
        "an integer ≥ 0",
      );
      const tol = {
        rtol:
          flags.rtol === undefined
            ? undefined
            : numberOption("--rtol", flags.rtol, "a number in (0, 1)", (x) => x > 0 && x < 1),
        atol:
          flags.atol === undefined
            ? undefined
            : numberOption("--atol", flags.atol, "a number > 0", (x) => x > 0),
      };
      const threads = integerOption(
        "--threads",
        flags.threads,
        1,
        MAX_THREADS,
        `an integer in 1…${MAX_THREADS}`,
      );
      /** The engine of `spec`: in this thread with --threads 1, else on this thread and N − 1 workers. */
      const parallel: ParallelEngine[] = [];
      const threaded = (spec: EngineSpec, here: () => LayerEngine): LayerEngine => {
        if (threads === 1) return here();
        const e = parallelEngine(spec, { threads });
        parallel.push(e);
        return e;
      };
      const engineName = flags.engine ?? (flags.hardware ? "cell" : "trained");
      const precision = flags.precision ?? "float64";
      const engines: { name: string; engine: LayerEngine }[] = [
        {
          name: engineName,
          engine:
            engineName === "cell"
              ? threaded({ kind: "cell", options: { ...tol, precision } }, () =>
                  cellEngine({ ...tol, precision }),
                )
              : threaded({ kind: "trained", options: { precision } }, () =>
                  trainedEngine({ precision }),
                ),
        },
      ];
      let hardware: { profile: string; mismatchSeed: number | string } | undefined;
      if (flags.hardware) {
        const profile = loadHardwareProfile(flags.hardware);
        const mismatchSeed = integerOption(
          "--mismatch-seed",
          flags.mismatchSeed,
          0,
          Number.MAX_SAFE_INTEGER,
          "an integer ≥ 0",
        );
        const lockstep = integerOption(
          "--lockstep",
          flags.lockstep,
          1,
          MAX_LOCKSTEP,
          `an integer from 1 to ${MAX_LOCKSTEP}`,
        );
        hardware = { profile: resolve(flags.hardware), mismatchSeed };
        engines[0] = { name: `ideal (${engineName})`, engine: engines[0].engine };
        const circuit = { mismatchSeed, ...tol, precision, lockstep };
        engines.push({
          name: "faithful (circuit)",
          engine: threaded(
            {
              kind: "module",
              module: CIRCUIT_MODULE,
              export: "circuitEngine",
              args: [profile, circuit],
            },
            () => circuitEngine(profile, circuit),
          ),
        });
      }
      // Worker threads load their modules before the first (blocking) forward.
      await Promise.all(parallel.map((e) => e.ready()));
      const outDir = flags.outDir ?? join("out", "sample", basename(resolve(modelDir)));
      guardInputs(
        SAMPLE_FILE_NAMES.map((f) => join(outDir, f)),
        [flags.noise, flags.hardware].filter((f): f is string => f !== undefined),
      );
      const noise = runNoise(
        flags.noise,
        seed,
        classes,
        perClass,
        unet,
        sampler === "ddpm" ? unet.nT : 0,
      );
      const lenet = loadLenet(flags.classifier ?? defaultClassifier());
      const dataDir = flags.fid ? mnistDir(flags.data) : undefined;
      const loadS = (performance.now() - began) / 1000;
      let reference: MnistReference | undefined;
      let referenceS: number | undefined;
      if (dataDir) {
        const t = performance.now();
        ctx.progress(`computing the LeNet-5 features of the MNIST test set in ${dataDir}…`);
        reference = mnistReference(dataDir, lenet);
        referenceS = (performance.now() - t) / 1000;
      }
      const n = classes.length * perClass;
      ctx.progress(
        `sampling ${n} images (${classes.length} classes × ${perClass}) from ${unet.backbone} UNet ${modelDir}: ${sampler} ${steps} steps, w = ${w}, engine ${engines.map((e) => e.name).join(" and ")}`,
      );
      const run = { unet, schedule, sampler, steps, w, batch, classes, perClass, noise, precision };
      const sets: SampleSetRecord[] = [];
      const images: SampleImages[] = [];
      try {
        for (const { name, engine } of engines) {
          const r = await sampleSet(name, engine, run, ctx);
          const scores = scoreSamples(r.images.x0, r.images.labels, lenet, reference, seed);
          images.push({ name, ...r.images });
          sets.push({
            name,
            engine: engine.describe(),
            scores,
            timing: {
              sampleS: r.seconds,
              imagesPerS: n / r.seconds,
              imageForwards: r.forwards,
              msPerImageForward: (1000 * r.seconds) / r.forwards,
            },
          });
        }
      } finally {
        await Promise.all(parallel.map((e) => e.close()));
      }
      const record: SampleRunRecord = {
        format: "cellspice-sample-summary",
        format_version: 1,
        cellspiceVersion: packageVersion(),
        model: {
          dir: resolve(modelDir),
          weightsSha256: unet.weightsSha256,
          backbone: unet.backbone,
          nFeat: unet.nFeat,
          inChannels: unet.inChannels,
          imageSize: unet.imageSize,
          nClasses: unet.nClasses,
          nT: unet.nT,
          betas: unet.betas,
        },
        settings: {
          classes,
          perClass,
          n,
          sampler,
          algorithm:
            sampler === "ddim"
              ? "DDIM, Song, Meng & Ermon 2021 (σ = 0)"
              : "ancestral DDPM, Ho, Jain & Abbeel 2020, Alg. 2 (σ_t² = β_t)",
          steps,
          timesteps: sampler === "ddim" ? ddimTimesteps(unet.nT, steps) : undefined,
          w,
          batch,
          noise: noise.describe(),
          hardware,
          digitalPrecision: precision,
        },
        sets,
        comparison:
          images.length > 1
            ? {
                pixelRmse: pixelRmse(images[0].x0, images[1].x0),
                of: [images[0].name, images[1].name],
              }
            : undefined,
        fidReference: reference && {
          testImages: reference.n,
          testAccuracy: reference.testAccuracy,
          sha256: reference.sha256,
        },
        timings: { loadS, referenceS, totalS: (performance.now() - began) / 1000 },
        started,
      };
      const files = await writeOutputDirectory(outDir, SAMPLE_FILE_NAMES, (tmp) =>
        writeSampleOutputs(tmp, record, images, noise.x_T(0, n)),
      );
      const rows = sets.map((s) => [
        s.name,
        `${s.scores.agreement.agree}/${s.scores.agreement.n}`,
        `${(100 * s.scores.agreement.fraction).toFixed(1)} %`,
        s.scores.fid === undefined ? "-" : s.scores.fid.toFixed(2),
        s.scores.kid === undefined ? "-" : s.scores.kid.mean.toFixed(4),
        s.timing.imagesPerS.toPrecision(3),
      ]);
      ctx.out(formatTable(["engine", "agree", "agreement", "FID", "KID", "images/s"], rows));
      if (record.comparison)
        ctx.out(
          `pixel RMSE ${record.comparison.of[1]} − ${record.comparison.of[0]}: ${record.comparison.pixelRmse.toPrecision(3)}`,
        );
      ctx.out(
        `report: ${files.report}\nsamples: ${files.safetensors}\ngrid: ${files.png}\nsummary: ${files.summary}`,
      );
    }),
  );
}
