/**
 * Where one image's time goes (docs/hardware.md, "What bounds the float32 ratio"): the issue's
 * faithful image (CellNN fixture, DDIM 25, w = 2, class 3, all 7 layers at 1 % mismatch, mismatch
 * seed 1) or its ideal (`cell` engine) is drawn twice on one engine — the circuit realised, the
 * kernels packed and compiled — and the third drawing is CPU-profiled (node:inspector).
 *
 *     npx tsx scripts/image-profile.ts [--engine faithful|ideal] [--precision float32|float64] \
 *         [--rtol 1e-4] [--lockstep G] [--out FILE.cpuprofile] [--top 12]
 *
 * Prints one JSON line: the three drawings' seconds and the functions with the most self time
 * in the profiled one (WebAssembly kernels by their names: wasmBinary.ts writes a name section).
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { Session } from "node:inspector/promises";
import { dirname, join } from "node:path";
import { Command } from "commander";
import { randomStream } from "../src/core/counterRandom.js";
import { circuitEngine } from "../src/hardware/circuitEngine.js";
import { idealProfile, withProfile } from "../src/hardware/profile.js";
import { drawSpecImages, oneImageSpec } from "../src/sweep/kinds/hardwareSample.js";
import { cellEngine } from "../src/unet/index.js";

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** Self time per function (name and file), largest first. */
function selfTimes(p: CpuProfile): { name: string; ms: number; share: number }[] {
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const ms = new Map<string, number>();
  p.samples.forEach((id, k) => {
    const f = byId.get(id)?.callFrame;
    if (!f) return;
    const file = f.url.split("/").pop() ?? "";
    const name = `${f.functionName || "(anonymous)"}${file ? ` ${file}` : ""}`;
    ms.set(name, (ms.get(name) ?? 0) + p.timeDeltas[k] / 1000);
  });
  const total = [...ms.values()].reduce((s, v) => s + v, 0);
  return [...ms.entries()]
    .map(([name, t]) => ({ name, ms: Math.round(t), share: Number((t / total).toFixed(3)) }))
    .sort((a, b) => b.ms - a.ms);
}

const o = new Command("image-profile")
  .option("--engine <e>", "faithful (circuit engine) or ideal (cell engine)", "faithful")
  .option("--precision <p>", "float32 or float64", "float32")
  .option("--rtol <r>", "relative tolerance (atol = rtol / 100)", "1e-4")
  .option("--lockstep <g>", "faithful engine: inputs solved together (circuitEngine lockstep)", "1")
  .option("--out <file>", "where the .cpuprofile goes", "out/image-profile.cpuprofile")
  .option("--top <n>", "functions to print", "12")
  .parse()
  .opts<{
    engine: string;
    precision: string;
    rtol: string;
    lockstep: string;
    out: string;
    top: string;
  }>();
if (!["faithful", "ideal"].includes(o.engine)) throw new Error("--engine: faithful or ideal");
if (!["float32", "float64"].includes(o.precision))
  throw new Error("--precision: float32 or float64");
const precision = o.precision as "float32" | "float64";
const rtol = Number(o.rtol);
const atol = rtol / 100;
const model = join(import.meta.dirname, "../test/fixtures/models/cellnn-mnist");
const spec = oneImageSpec(model, { rtol, atol, precision });
const ctx = { random: randomStream(0, "image"), checkInterrupt: () => {} };
const profile = withProfile(idealProfile(), { "mismatch.sigma": 0.01 });
const engine =
  o.engine === "ideal"
    ? cellEngine({ rtol, atol, precision })
    : circuitEngine(profile, {
        mismatchSeed: 1,
        rtol,
        atol,
        precision,
        lockstep: Number(o.lockstep),
      });
const first = await drawSpecImages(spec, engine, ctx);
const second = await drawSpecImages(spec, engine, ctx);
const session = new Session();
session.connect();
await session.post("Profiler.enable");
await session.post("Profiler.start");
const third = await drawSpecImages(spec, engine, ctx);
const { profile: cpu } = await session.post("Profiler.stop");
session.disconnect();
mkdirSync(dirname(o.out), { recursive: true });
writeFileSync(o.out, JSON.stringify(cpu));
process.stdout.write(
  `${JSON.stringify({
    engine: o.engine,
    precision,
    rtol,
    seconds: [first.seconds, second.seconds, third.seconds],
    profile: o.out,
    top: selfTimes(cpu as unknown as CpuProfile).slice(0, Number(o.top)),
    date: new Date().toISOString(),
  })}\n`,
);
