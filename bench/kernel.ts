/**
 * The 3×3 multi-channel correlation alone, against PyTorch's conv2d in the same run, and the
 * machine's WebAssembly SIMD ceiling: the numbers of docs/performance.md ("Kernel"). Rows go to
 * bench/results/kernel.jsonl.
 *
 *     flock /tmp/cellspice-cpu.lock npx tsx bench/kernel.ts \
 *         [--channels 16,32,64,128] [--sizes 14,28] [--batches 1,16] [--min-s 0.3] [--no-torch]
 *
 * Kernels (C_out = C_in = C, S×S planes, a batch of B planes sets one after another, dense
 * random templates; FLOP = 2·9·C²·S² per element, one multiply and one add per tap):
 *   scalar     correlateAdd3x3Scalar, the TypeScript reference
 *   wasm-copy  correlateAdd3x3Simd: f64x2 kernels, operands copied into and out of the shared
 *              module's memory on every call (what createCellSystem's right-hand side does)
 *   wasm       correlateAdd3x3InModule: the same kernels on operands that live in the module's
 *              memory (what the trained engine's fused path does)
 *   wasm-f32x4 correlateAdd3x3F32: float32, four columns per vector, operands in its module's
 *              memory (the trained engine's precision "float32" where Winograd does not apply)
 *   wasm-winograd  correlate3x3Winograd: Winograd's F(2×2, 3×3) in float32 (U = G·A·Gᵀ made once,
 *              outside the timing; the input transform, the 16 products and the output
 *              transform timed), the trained engine's precision "float32" on even fields with
 *              channels in fours. Its GFLOP/s count the direct form's 2·9·C²·S² (an effective
 *              rate: it does 2.25× fewer multiplies)
 * The three float64 kernels give the same bits (checked here on every case, and in test/kernels);
 * the two float32 ones are checked within 1e-5 of the largest float64 sum.
 *
 * The peak: src/kernels/peakSimd.ts, independent f64x2 / f32x4 multiply and add chains with no
 * memory traffic: the rate of the execution ports as WebAssembly SIMD reaches them (no FMA).
 * PyTorch: bench/kernel_torch.py, torch.nn.functional.conv2d, float32 and float64, 1 thread.
 */
import { execFileSync } from "node:child_process";
import { appendFileSync, mkdirSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { Command } from "commander";
import { benchEnvironment, loadAverage } from "../src/bench/environment.js";
import {
  correlateAdd3x3InModule,
  correlateAdd3x3Scalar,
  correlateAdd3x3Simd,
} from "../src/cells/correlate.js";
import type { Template } from "../src/cells/template.js";
import { seededRandom, uniformArray } from "../src/core/random.js";
import { correlateAdd3x3F32 } from "../src/kernels/correlate3x3F32.js";
import { type PeakLanes, type PeakMix, peakSimd } from "../src/kernels/peakSimd.js";
import { newTaps3x3F32, newTaps3x3Simd } from "../src/kernels/taps3x3Simd.js";
import {
  correlate3x3Winograd,
  winogradApplies,
  winogradFilter,
  winogradInputOverrun,
  winogradTiling,
} from "../src/kernels/winograd3x3F32.js";
import { kernelRegions, kernelRegionsF32, mixedRegions } from "../src/kernels/workspace.js";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const RESULTS = join(ROOT, "bench/results/kernel.jsonl");

const program = new Command()
  .option("--channels <list>", "channel counts C", "16,32,64,128")
  .option("--sizes <list>", "plane sizes S", "14,28")
  .option("--batches <list>", "batch sizes B", "1,16")
  .option("--min-s <s>", "time each case for at least this long", "0.3")
  .option("--no-torch", "skip PyTorch")
  .parse();
const o = program.opts<{
  channels: string;
  sizes: string;
  batches: string;
  minS: string;
  torch: boolean;
}>();
const list = (s: string) => s.split(",").map(Number);
const minMs = Number(o.minS) * 1000;

const runId = new Date().toISOString();
const env = benchEnvironment(`npx tsx bench/kernel.ts ${process.argv.slice(2).join(" ")}`.trim());
mkdirSync(dirname(RESULTS), { recursive: true });
const write = (row: Record<string, unknown>) =>
  appendFileSync(RESULTS, `${JSON.stringify({ runId, suite: "kernel", ...row, env })}\n`);

/** The best time [ms] of `task` over repeats filling at least minMs (one warm-up first). */
function bestMs(task: () => void, forMs = minMs): { ms: number; repeats: number } {
  task();
  let best = Number.POSITIVE_INFINITY;
  let total = 0;
  let repeats = 0;
  while (repeats < 3 || total < forMs) {
    const t = performance.now();
    task();
    const ms = performance.now() - t;
    best = Math.min(best, ms);
    total += ms;
    repeats++;
  }
  return { ms: best, repeats };
}

// The ceiling: independent multiply / add chains, measured before and after the kernels (the
// machine is shared: the larger of the two is the better estimate of what a core can do).
const peak = peakSimd();
if (peak === null) throw new Error("this engine has no WebAssembly SIMD");
const peaks = new Map<string, number>();
function measurePeaks(round: number): void {
  for (const lanes of ["f64x2", "f32x4"] as PeakLanes[]) {
    const words = lanes === "f64x2" ? 2 : 4;
    const buffer = peak!.memory.buffer;
    const view = lanes === "f64x2" ? new Float64Array(buffer) : new Float32Array(buffer);
    // m, d, the chains' start values (p, s): stays finite for 2^31 iterations.
    for (const [at, v] of [
      [0, 1 + 1e-7],
      [1, 1e-3],
      [2, 1],
      [3, 0],
    ] as const)
      view.fill(v, at * words, (at + 1) * words);
    const mixes: PeakMix[] = ["mul", "add", "mul+add"];
    if (lanes === "f32x4" && peak!.madd) mixes.push("madd");
    for (const mix of mixes) {
      let flop = 0;
      const { ms, repeats } = bestMs(() => {
        flop = peak!.run(lanes, mix, 2e6);
      }, 3 * minMs);
      const gflops = flop / ms / 1e6;
      const key = `${lanes} ${mix}`;
      peaks.set(key, Math.max(gflops, peaks.get(key) ?? 0));
      console.log(`peak ${lanes} ${mix} (round ${round}): ${gflops.toFixed(2)} GFLOP/s`);
      write({ kind: "peak", round, lanes, mix, gflops, bestMs: ms, repeats, load: loadAverage() });
    }
  }
}
measurePeaks(1);

// The kernels.
const own = newTaps3x3Simd();
const own32 = newTaps3x3F32()!;
// Winograd's operands in a module of their own (its input transform reads past the field).
const wino = newTaps3x3F32()!;
const sameBits = (a: Float64Array, b: Float64Array) => {
  const x = new BigUint64Array(a.buffer, a.byteOffset, a.length);
  const y = new BigUint64Array(b.buffer, b.byteOffset, b.length);
  return x.every((v, k) => v === y[k]);
};
const shapes: string[] = [];
for (const C of list(o.channels))
  for (const S of list(o.sizes))
    for (const B of list(o.batches)) {
      shapes.push(`${C}x${S}x${B}`);
      const rand = seededRandom(C * 1000 + S * 10 + B);
      const t: Template = {
        outChannels: C,
        inChannels: C,
        size: 3,
        data: uniformArray(C * C * 9, -1, 1, rand),
      };
      const paddedLength = C * (S + 2) * (S + 2);
      const outLength = C * S * S;
      const padded = Array.from({ length: B }, () => uniformArray(paddedLength, -1, 1, rand));
      const outs = Array.from({ length: B }, () => new Float64Array(outLength));
      const [coef, ...work] = kernelRegions(own!.memory, [
        t.data.length,
        ...Array.from({ length: 2 * B }, (_, r) => (r < B ? paddedLength : outLength)),
      ]);
      coef.set(t.data);
      for (let b = 0; b < B; b++) work[b].set(padded[b]);
      const [coef32, ...work32] = kernelRegionsF32(own32.memory, [
        t.data.length,
        ...Array.from({ length: 2 * B }, (_, r) => (r < B ? paddedLength : outLength)),
      ]);
      coef32.set(t.data);
      for (let b = 0; b < B; b++) work32[b].set(padded[b]);
      const tiling = winogradTiling(S, S);
      const { tiles8, positions } = tiling;
      const [U, V, M, ...workW] = mixedRegions(wino.memory, [
        { length: positions * C * C, float32: true },
        { length: positions * C * tiles8, float32: true },
        { length: positions * C * tiles8, float32: true },
        ...Array.from({ length: 2 * B }, (_, r) => ({
          length: r < B ? paddedLength + winogradInputOverrun(S) : outLength,
          float32: true as const,
        })),
      ]);
      winogradFilter(t.data, C, C, U, tiling.m);
      // the slack after each field stays zero (a cropped F(4×4) tile mixes it in by rounding)
      for (let b = 0; b < B; b++) workW[b].fill(0).set(padded[b]);
      const kernels: Record<string, () => Float64Array | Float32Array> = {
        scalar: () => {
          for (let b = 0; b < B; b++) correlateAdd3x3Scalar(t, padded[b], 1, S, S, outs[b].fill(0));
          return outs[B - 1];
        },
        "wasm-copy": () => {
          for (let b = 0; b < B; b++) correlateAdd3x3Simd(t, padded[b], 1, S, S, outs[b].fill(0));
          return outs[B - 1];
        },
        wasm: () => {
          for (let b = 0; b < B; b++)
            correlateAdd3x3InModule(own, t, coef, work[b], 1, S, S, work[B + b].fill(0));
          return work[2 * B - 1];
        },
        "wasm-f32x4": () => {
          for (let b = 0; b < B; b++)
            correlateAdd3x3F32(own32, C, C, coef32, work32[b], S, S, work32[B + b].fill(0));
          return work32[2 * B - 1];
        },
      };
      if (winogradApplies(C, S, S))
        kernels["wasm-winograd"] = () => {
          for (let b = 0; b < B; b++)
            correlate3x3Winograd(
              wino.winograd!,
              C,
              C,
              { U, V, M },
              workW[b],
              S,
              S,
              workW[B + b],
              tiling,
            );
          return workW[2 * B - 1];
        };
      const results = new Map<string, Float64Array>();
      for (const [kernel, task] of Object.entries(kernels)) {
        const load = loadAverage();
        const { ms, repeats } = bestMs(() => void task());
        results.set(kernel, Float64Array.from(task()));
        const gflops = (2 * 9 * C * C * S * S * B) / ms / 1e6;
        console.log(`C${C} ${S}×${S} batch ${B} ${kernel}: ${gflops.toFixed(2)} GFLOP/s`);
        write({
          kind: "kernel",
          kernel,
          precision: kernel === "wasm-f32x4" || kernel === "wasm-winograd" ? "float32" : "float64",
          channels: C,
          size: S,
          batch: B,
          bestMs: ms,
          repeats,
          gflops,
          load,
        });
      }
      const ref = results.get("scalar")!;
      const largest = ref.reduce((m, x) => Math.max(m, Math.abs(x)), 0);
      for (const [kernel, r] of results) {
        const float32 = kernel === "wasm-f32x4" || kernel === "wasm-winograd";
        if (!float32 && !sameBits(Float64Array.from(r), ref))
          throw new Error(`C${C} S${S} B${B}: ${kernel} differs from scalar`);
        if (float32 && r.some((x, k) => Math.abs(x - ref[k]) > 1e-5 * largest))
          throw new Error(`C${C} S${S} B${B}: ${kernel} is not within 1e-5 of the float64 sums`);
      }
    }

if (o.torch) {
  const load = loadAverage();
  const out = execFileSync(
    "python3",
    [
      join(ROOT, "bench/kernel_torch.py"),
      "--shapes",
      shapes.join(","),
      "--threads",
      "1",
      "--min-s",
      o.minS,
    ],
    { encoding: "utf8" },
  );
  for (const line of out.trim().split("\n")) {
    const r = JSON.parse(line);
    console.log(
      `C${r.channels} ${r.size}×${r.size} batch ${r.batch} pytorch ${r.dtype}: ${r.gflops.toFixed(2)} GFLOP/s`,
    );
    write({ kind: "pytorch", kernel: `pytorch-${r.dtype}`, precision: r.dtype, ...r, load });
  }
}

measurePeaks(2);
// Two vector multiply ports (Intel Golden Cove, AMD Zen 4 alike): the clock the multiply rate
// implies; the AVX-512 FMA peak that clock gives (2 FMA units × 8 float64 lanes × 2 FLOP).
const clockGHz = peaks.get("f64x2 mul")! / 4;
const summary = {
  kind: "peak-summary",
  f64x2MulAdd: peaks.get("f64x2 mul+add"),
  f32x4MulAdd: peaks.get("f32x4 mul+add"),
  f32x4Madd: peaks.get("f32x4 madd") ?? null,
  clockGHz,
  avx512Fp64Peak: 32 * clockGHz,
  avx512Fp32Peak: 64 * clockGHz,
  load: loadAverage(),
};
console.log(JSON.stringify(summary));
write(summary);
