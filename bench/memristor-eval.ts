/**
 * The cost of one memristor evaluation, currentAndRate(w, v, out), in ns per call: the
 * `strachan-taox-smooth-v1` model (fast evaluation, src/devices/smoothV1Eval.ts) against its
 * term-by-term reference (src/devices/strachanSmoothV1Reference.ts), `strachan-taox-smooth`
 * likewise (strachanSmooth.ts against strachanSmoothReference.ts: current and rate as two
 * calls, as before it had currentAndRate), the original model, and one Math.exp as the unit. Runs the compiled code in dist/ (build first); each
 * implementation is timed in a child process of its own, so that every call site stays
 * monomorphic as in the cells' right-hand side. Rows go to bench/results/memristor.jsonl
 * (suite "memristor-eval"); docs/memristor.md ("Cost of one evaluation") has the table.
 *
 *     npm run build && flock /tmp/cellspice-cpu.lock npx tsx bench/memristor-eval.ts \
 *         [--impls v1-fast,v1-reference,smooth,smooth-reference,original,exp] [--points 4096]
 *         [--passes 50]
 *
 * The (w, v) points are drawn uniformly from w ∈ [0.05, 0.6], v ∈ [−1.2, 1.2] V (both branches,
 * the range an M-CellNN cell's memristor sees at V_s = 0.5 V), the same for every implementation.
 */
import { execFileSync } from "node:child_process";
import { appendFileSync, existsSync, mkdirSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { Command } from "commander";
import { benchEnvironment, loadAverage } from "../src/bench/environment.js";
import { timeRepeated } from "../src/bench/measure.js";
import { randomStream } from "../src/core/counterRandom.js";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const RESULTS = join(ROOT, "bench/results/memristor.jsonl");
const DEVICES = join(ROOT, "dist/src/devices");
const IMPLS = ["v1-fast", "v1-reference", "smooth", "smooth-reference", "original", "exp"];

const o = new Command()
  .option("--impls <list>", "implementations", IMPLS.join(","))
  .option("--points <n>", "distinct (w, v) points", "4096")
  .option("--passes <n>", "passes over the points per timed run", "50")
  .option("--child <impl>", "(internal) time one implementation and print its row")
  .parse()
  .opts<{ impls: string; points: string; passes: string; child?: string }>();

const points = Number(o.points);
const passes = Number(o.passes);

type Eval = (w: number, v: number, out: Float64Array) => void;

async function evaluator(impl: string): Promise<Eval> {
  const load = async (file: string) => import(pathToFileURL(join(DEVICES, file)).href);
  if (impl === "v1-fast") {
    const { createStrachanSmoothV1 } = await load("strachanSmoothV1.js");
    return pairOf(createStrachanSmoothV1());
  }
  if (impl === "v1-reference") {
    const { createStrachanSmoothV1Reference } = await load("strachanSmoothV1Reference.js");
    return pairOf(createStrachanSmoothV1Reference());
  }
  if (impl === "smooth-reference") {
    const { smoothConstants, smoothCurrent } = await load("strachanSmooth.js");
    const { smoothStateRateReference } = await load("strachanSmoothReference.js");
    const { createMemristor } = await load("registry.js");
    const K = smoothConstants(createMemristor("strachan-taox-smooth").params);
    return (w, v, out) => {
      out[0] = smoothCurrent(K, w, v);
      out[1] = smoothStateRateReference(K, w, v);
    };
  }
  if (impl === "smooth" || impl === "original") {
    const { createMemristor } = await load("registry.js");
    return pairOf(createMemristor(impl === "smooth" ? "strachan-taox-smooth" : "strachan-taox"));
  }
  if (impl === "exp")
    return (w, v, out) => {
      out[0] = Math.exp(v);
      out[1] = w;
    };
  throw new Error(`unknown implementation ${impl}: one of ${IMPLS.join(", ")}`);
}

/** currentAndRate when the model has it, else current and stateRate (what the cells call). */
function pairOf(m: {
  current(w: number, v: number): number;
  stateRate(w: number, v: number): number;
  currentAndRate?: Eval;
}): Eval {
  if (m.currentAndRate) return m.currentAndRate;
  return (w, v, out) => {
    out[0] = m.current(w, v);
    out[1] = m.stateRate(w, v);
  };
}

async function timeOne(impl: string): Promise<Record<string, unknown>> {
  const s = randomStream(20261201, "memristor-eval");
  const ws = Float64Array.from({ length: points }, (_, k) => 0.05 + 0.55 * s.uniform(2 * k));
  const vs = Float64Array.from({ length: points }, (_, k) => -1.2 + 2.4 * s.uniform(2 * k + 1));
  const f = await evaluator(impl);
  const out = new Float64Array(2);
  let sink = 0;
  const run = () => {
    for (let p = 0; p < passes; p++)
      for (let k = 0; k < points; k++) {
        f(ws[k], vs[k], out);
        sink += out[0] + out[1];
      }
  };
  const load = loadAverage();
  const { timing } = await timeRepeated(run, {
    warmups: 3,
    minRepeats: 7,
    maxRepeats: 41,
    minTotalMs: 1500,
  });
  const calls = points * passes;
  return {
    impl,
    points,
    passes,
    nsPerCall: (timing.medianMs * 1e6) / calls,
    nsPerCallMin: (timing.minMs * 1e6) / calls,
    repeats: timing.repeats,
    warmups: timing.warmups,
    load,
    checksum: Number.isFinite(sink),
  };
}

if (o.child !== undefined) {
  console.log(JSON.stringify(await timeOne(o.child)));
} else {
  if (!existsSync(join(DEVICES, "strachanSmoothV1Reference.js"))) {
    console.error(`${DEVICES} lacks the compiled models: run \`npm run build\` first`);
    process.exit(2);
  }
  const runId = new Date().toISOString();
  const env = benchEnvironment(
    `npx tsx bench/memristor-eval.ts ${process.argv.slice(2).join(" ")}`.trim(),
  );
  mkdirSync(dirname(RESULTS), { recursive: true });
  const script = fileURLToPath(import.meta.url);
  for (const impl of o.impls.split(",")) {
    const args = [...process.execArgv, script, "--child", impl, "--points", o.points];
    const text = execFileSync(process.execPath, [...args, "--passes", o.passes], {
      encoding: "utf8",
    });
    const measured = JSON.parse(text.trim().split("\n").pop() ?? "{}");
    const row = {
      runId,
      suite: "memristor-eval",
      ...measured,
      env,
      date: new Date().toISOString(),
    };
    appendFileSync(RESULTS, `${JSON.stringify(row)}\n`);
    console.log(
      `${impl}: ${measured.nsPerCall.toFixed(1)} ns per call (min ${measured.nsPerCallMin.toFixed(1)}), load ${measured.load.toFixed(2)}`,
    );
  }
}
