/**
 * conv2d of the fixtures' sizes: float64 as conv2dInto runs it (3×3 on the WebAssembly SIMD
 * taps where available), float64 on the scalar TypeScript kernels, float32 storage (scalar), and
 * 3×3 forced through the generic tap-by-tap path, each variant in a fresh Node process (so that
 * V8 specialises the kernels for one storage type, as a program using only one would):
 *
 *     flock /tmp/cellspice-cpu.lock npx tsx test/nn/convBench.ts [--quick]
 *
 * Prints a table and appends one JSON row per case to bench/results/nn.jsonl (machine, commit,
 * command, load). Not a test: nothing here asserts a time.
 */
import { fork } from "node:child_process";
import { appendFileSync, mkdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { benchEnvironment, loadAverage } from "../../src/bench/environment.js";
import { timeRepeated } from "../../src/bench/measure.js";
import { seededRandom } from "../../src/core/random.js";
import { activeKernel } from "../../src/kernels/choice.js";
import { type ConvShape, conv2dInto, conv2dScalar } from "../../src/nn/conv2dKernel.js";
import { correlateK } from "../../src/nn/convK.js";
import { padPlanes } from "../../src/nn/pad.js";
import type { Real } from "../../src/nn/real.js";

type Variant = "f64" | "f64-scalar" | "f32" | "f64-generic";

/** The UNet's digital convolutions at batch 64 (n_feat 16, 28×28) and LeNet's second conv. */
const CASES: { name: string; shape: ConvShape }[] = [
  { name: "unet.out.0 32→16 28×28", shape: { n: 64, cIn: 32, h: 28, w: 28, cOut: 16, k: 3, p: 1 } },
  { name: "conv block 16→16 28×28", shape: { n: 64, cIn: 16, h: 28, w: 28, cOut: 16, k: 3, p: 1 } },
  { name: "conv block 32→32 7×7", shape: { n: 64, cIn: 32, h: 7, w: 7, cOut: 32, k: 3, p: 1 } },
  { name: "unet.out.3 16→1 28×28", shape: { n: 64, cIn: 16, h: 28, w: 28, cOut: 1, k: 3, p: 1 } },
  {
    name: "lenet conv2 6→16 14×14 k5",
    shape: { n: 64, cIn: 6, h: 14, w: 14, cOut: 16, k: 5, p: 0 },
  },
];
const VARIANTS: Variant[] = ["f64-scalar", "f64", "f32", "f64-generic"];

interface Measured {
  medianMs: number;
  minMs: number;
  repeats: number;
  warmups: number;
  load: number;
  /** What conv2dInto ran: "wasm" (SIMD taps) or "scalar". */
  kernel: string;
}

/** Runs one case in this process (the child's side). */
async function measure(shape: ConvShape, variant: Variant, quick: boolean): Promise<Measured> {
  const Arr = variant === "f32" ? Float32Array : Float64Array;
  const random = seededRandom(1);
  const fill = (count: number): Real => {
    const a = new Arr(count);
    for (let q = 0; q < count; q++) a[q] = random() - 0.5;
    return a;
  };
  const x = fill(shape.n * shape.cIn * shape.h * shape.w);
  const weight = fill(shape.cOut * shape.cIn * shape.k * shape.k);
  const bias = fill(shape.cOut);
  const oh = shape.h + 2 * shape.p - shape.k + 1;
  const ow = shape.w + 2 * shape.p - shape.k + 1;
  const y = new Arr(shape.n * shape.cOut * oh * ow);
  const run =
    variant === "f64-generic"
      ? () => genericConv(x, weight, bias, shape, y)
      : variant === "f64-scalar"
        ? () => conv2dScalar(x, weight, bias, shape, y)
        : () => conv2dInto(x, weight, bias, shape, y);
  const { timing } = await timeRepeated(run, {
    warmups: 2,
    minRepeats: quick ? 3 : 5,
    maxRepeats: 50,
    minTotalMs: quick ? 300 : 1500,
  });
  return {
    ...timing,
    load: loadAverage(),
    kernel: variant === "f64" && shape.k === 3 ? activeKernel() : "scalar",
  };
}

/** conv2dInto with the 3×3 case forced through the generic tap-by-tap kernel. */
function genericConv(x: Real, weight: Real, bias: Real, s: ConvShape, y: Real): void {
  const hp = s.h + 2 * s.p;
  const wp = s.w + 2 * s.p;
  const oh = hp - s.k + 1;
  const ow = wp - s.k + 1;
  const plane = oh * ow;
  const xp = new Float64Array(s.cIn * hp * wp);
  for (let b = 0; b < s.n; b++) {
    padPlanes(x, b * s.cIn * s.h * s.w, s.cIn, s.h, s.w, s.p, xp);
    const yb = y.subarray(b * s.cOut * plane, (b + 1) * s.cOut * plane);
    for (let o = 0; o < s.cOut; o++) yb.fill(bias[o], o * plane, (o + 1) * plane);
    correlateK(xp, s.cIn, oh, ow, weight, s.cOut, s.k, yb);
  }
}

function runChild(index: number, variant: Variant, quick: boolean): Promise<Measured> {
  return new Promise((resolve, reject) => {
    const child = fork(fileURLToPath(import.meta.url), [
      "--child",
      String(index),
      variant,
      quick ? "quick" : "full",
    ]);
    child.once("message", (m) => resolve(m as Measured));
    child.once("error", reject);
    child.once("exit", (code) => code !== 0 && reject(new Error(`child exited ${code}`)));
  });
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  if (args[0] === "--child") {
    const m = await measure(CASES[Number(args[1])].shape, args[2] as Variant, args[3] === "quick");
    process.send?.(m);
    return;
  }
  const quick = args.includes("--quick");
  const command = `npx tsx test/nn/convBench.ts ${args.join(" ")}`.trim();
  const env = benchEnvironment(command);
  const runId = new Date().toISOString();
  const out = fileURLToPath(new URL("../../bench/results/nn.jsonl", import.meta.url));
  mkdirSync(fileURLToPath(new URL("../../bench/results/", import.meta.url)), { recursive: true });
  console.log("case                           variant       median ms   GFLOP/s  ×scalar  load");
  for (let i = 0; i < CASES.length; i++) {
    const { name, shape } = CASES[i];
    const flop = 2 * shape.n * shape.cOut * shape.cIn * shape.k * shape.k * shape.h * shape.w;
    const byVariant: Partial<Record<Variant, Measured>> = {};
    for (const variant of VARIANTS) {
      if (variant === "f64-generic" && shape.k !== 3) continue;
      const m = await runChild(i, variant, quick);
      byVariant[variant] = m;
      const gflops = flop / (m.medianMs * 1e6);
      const base = byVariant["f64-scalar"];
      const ratio = base ? (base.medianMs / m.medianMs).toFixed(2) : "";
      console.log(
        `${name.padEnd(30)} ${variant.padEnd(12)} ${m.medianMs.toFixed(2).padStart(10)} ${gflops.toFixed(2).padStart(9)} ${ratio.padStart(8)} ${m.load.toFixed(2).padStart(5)}`,
      );
      const row = {
        runId,
        suite: "nn-conv2d",
        case: name,
        variant,
        kernel: m.kernel,
        ...shape,
        flop,
        gflops,
        wallMs: m.medianMs,
        wallMsMin: m.minMs,
        repeats: m.repeats,
        warmups: m.warmups,
        load: m.load,
        env,
        date: new Date().toISOString(),
      };
      appendFileSync(out, `${JSON.stringify(row)}\n`);
    }
  }
}

await main();
