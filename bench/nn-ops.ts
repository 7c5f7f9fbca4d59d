/**
 * Where one UNet forward spends its time, op by op: the forward of each fixture (trained layer
 * engine, batch 16 by default) timed whole, then run under V8's sampling profiler, every sample
 * charged to the innermost src/nn file on its stack (conv3x3, convTranspose2d, groupNorm, …),
 * else to the cellular layers (src/cells, src/solvers, src/unet/engines, src/kernels), else to
 * the forward's own glue, the garbage collector or "other". PyTorch's same forward (float32, as
 * trained, 1 thread, torch.profiler's per-op table) runs in the same invocation via
 * bench/nn_ops_torch.py. Rows go to bench/results/nn.jsonl (suite "nn-ops"); docs/nn.md has the
 * table.
 *
 *     flock /tmp/cellspice-cpu.lock npx tsx bench/nn-ops.ts \
 *         [--fixtures conv-mnist,cellnn-mnist] [--batch 16] [--repeats 3] [--no-torch] [--dry]
 *         [--label TEXT] [--results FILE]
 *
 * `--label` is recorded in every row (e.g. "before", for a run of an older src/ copied beside
 * this script); `--results` writes the rows to another file than bench/results/nn.jsonl.
 *
 * Not a test: nothing here asserts a time.
 */
import { execFileSync } from "node:child_process";
import { appendFileSync, mkdirSync } from "node:fs";
import { Session } from "node:inspector/promises";
import { basename, dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { Command } from "commander";
import { benchEnvironment, loadAverage } from "../src/bench/environment.js";
import { timeRepeated } from "../src/bench/measure.js";
import { activeKernel } from "../src/kernels/choice.js";
import { loadUnet, trainedEngine, unetForward } from "../src/unet/index.js";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");

const program = new Command("bench-nn-ops")
  .option("--fixtures <list>", "fixtures", "conv-mnist,cellnn-mnist")
  .option("--batch <n>", "batch size of the forward", "16")
  .option("--repeats <n>", "timed forwards (and profiled forwards)", "3")
  .option("--no-torch", "skip PyTorch's side")
  .option("--dry", "print, do not append rows")
  .option("--label <text>", "recorded in every row")
  .option("--results <file>", "rows file", join(ROOT, "bench/results/nn.jsonl"));
program.parse();
const o = program.opts<{
  fixtures: string;
  batch: string;
  repeats: string;
  torch: boolean;
  dry?: boolean;
  label?: string;
  results: string;
}>();
const batch = Number(o.batch);
const repeats = Number(o.repeats);
const runId = new Date().toISOString();
const env = benchEnvironment(`npx tsx bench/nn-ops.ts ${process.argv.slice(2).join(" ")}`.trim());

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** The bucket of one stack frame, or undefined where the frame says nothing (keep walking up). */
function frameBucket(f: ProfileNode["callFrame"]): string | undefined {
  const url = f.url;
  const nn = url.match(/\/src\/nn\/([^/]+)\.[tj]s$/);
  if (nn) return `nn/${nn[1]}`;
  if (/\/src\/(cells|solvers|devices|kernels)\//.test(url) || /\/src\/unet\/engines\//.test(url))
    return "cellular layers";
  if (/\/src\/unet\//.test(url)) return `unet/${basename(url).replace(/\.[tj]s$/, "")}`;
  if (f.functionName === "(garbage collector)") return "gc";
  return undefined;
}

/** Self time per bucket [ms], summed over the profile. */
function buckets(profile: Profile): Map<string, number> {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const memo = new Map<number, string>();
  const bucketOf = (id: number): string => {
    const known = memo.get(id);
    if (known !== undefined) return known;
    const node = byId.get(id);
    let b = node ? frameBucket(node.callFrame) : undefined;
    if (b === undefined) {
      const p = parent.get(id);
      b = p === undefined ? "other" : bucketOf(p);
    }
    memo.set(id, b);
    return b;
  };
  const inForward = new Map<number, boolean>();
  const underForward = (id: number): boolean => {
    const known = inForward.get(id);
    if (known !== undefined) return known;
    const node = byId.get(id);
    const p = parent.get(id);
    const r =
      node?.callFrame.functionName === "unetForward" || (p !== undefined && underForward(p));
    inForward.set(id, r);
    return r;
  };
  // A nested src/nn frame wins over the unet file that called it, and a WebAssembly frame (no
  // url) takes its caller's bucket: bucketOf walks from the leaf upward. Only samples inside
  // unetForward count, and the garbage collector's (the profiler's own work at stop does not).
  const out = new Map<string, number>();
  for (let k = 0; k < profile.samples.length; k++) {
    const id = profile.samples[k];
    const gc = byId.get(id)?.callFrame.functionName === "(garbage collector)";
    if (!gc && !underForward(id)) continue;
    const b = bucketOf(id);
    out.set(b, (out.get(b) ?? 0) + profile.timeDeltas[k] / 1000);
  }
  return out;
}

function append(row: Record<string, unknown>): void {
  if (o.dry) return;
  mkdirSync(dirname(o.results), { recursive: true });
  appendFileSync(o.results, `${JSON.stringify(o.label ? { label: o.label, ...row } : row)}\n`);
}

const session = new Session();
session.connect();
await session.post("Profiler.enable");
await session.post("Profiler.setSamplingInterval", { interval: 200 });

for (const fixture of o.fixtures.split(",")) {
  const dir = join(ROOT, "test/fixtures/models", fixture);
  const unet = loadUnet(dir);
  const xStart = unet.golden?.get("ddim.x_T")?.data;
  if (!xStart) throw new Error(`${fixture}: golden ddim.x_T missing`);
  const per = unet.inChannels * unet.imageSize * unet.imageSize;
  // Batch element k: the golden trajectory's start sample k mod 4, class k mod 10, t = 0.5.
  const x = new Float64Array(batch * per);
  for (let k = 0; k < batch; k++)
    x.set(xStart.subarray((k % 4) * per, ((k % 4) + 1) * per), k * per);
  const c = Int32Array.from({ length: batch }, (_, k) => k % unet.nClasses);
  const t = new Float64Array(batch).fill(0.5);
  const drop = new Float64Array(batch);
  const engine = trainedEngine();
  const forward = () => unetForward(unet, x, c, t, drop, engine);
  const load = loadAverage();
  forward(); // warm-up, outside the CPU-time window
  const cpuStart = process.cpuUsage();
  const { timing } = await timeRepeated(forward, {
    warmups: 0,
    minRepeats: repeats,
    maxRepeats: repeats,
    minTotalMs: 0,
  });
  const cpu = process.cpuUsage(cpuStart);
  // CPU time of this process (user + system) per forward: less sensitive than wall time to other
  // processes sharing the cores (the development machine is shared).
  const cpuMsPerForward = (cpu.user + cpu.system) / 1000 / repeats;
  await session.post("Profiler.start");
  for (let r = 0; r < repeats; r++) forward();
  const { profile } = (await session.post("Profiler.stop")) as unknown as { profile: Profile };
  const spent = buckets(profile);
  const total = [...spent.values()].reduce((a, b) => a + b, 0);
  const ops = [...spent.entries()]
    .sort((a, b) => b[1] - a[1])
    .map(([name, ms]) => ({ name, msPerImage: ms / repeats / batch, share: ms / total }));
  const msPerImage = timing.medianMs / batch;
  console.log(
    `${fixture} cellspice (${unet.backbone}, trained, kernel ${activeKernel()}) batch ${batch}: ${timing.medianMs.toFixed(1)} ms per forward, ${msPerImage.toFixed(2)} ms per image, CPU ${(cpuMsPerForward / batch).toFixed(2)} ms per image (load ${load.toFixed(2)})`,
  );
  for (const op of ops)
    console.log(
      `  ${op.name.padEnd(26)} ${op.msPerImage.toFixed(3).padStart(8)} ms/image  ${(100 * op.share).toFixed(1).padStart(5)} %`,
    );
  append({
    runId,
    suite: "nn-ops",
    fixture,
    backbone: unet.backbone,
    implementation: "cellspice",
    layerEngine: engine.name,
    kernel: activeKernel(),
    batch,
    threads: 1,
    msPerForward: timing.medianMs,
    msPerForwardMin: timing.minMs,
    msPerImage,
    cpuMsPerForward,
    cpuMsPerImage: cpuMsPerForward / batch,
    repeats: timing.repeats,
    ops,
    load,
    env,
    date: new Date().toISOString(),
  });

  if (!o.torch) continue;
  const out = execFileSync(
    "python3",
    [
      join(ROOT, "bench/nn_ops_torch.py"),
      dir,
      "--batch",
      String(batch),
      "--repeats",
      String(repeats),
    ],
    { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] },
  );
  const py = JSON.parse(out) as {
    torch: string;
    threads: number;
    msPerForward: number;
    msPerForwardMin: number;
    cpuMsPerForward: number;
    ops: { name: string; msPerImage: number; share: number }[];
  };
  console.log(
    `${fixture} pytorch ${py.torch} float32, ${py.threads} thread: ${py.msPerForward.toFixed(1)} ms per forward, ${(py.msPerForward / batch).toFixed(2)} ms per image, CPU ${(py.cpuMsPerForward / batch).toFixed(2)} ms per image`,
  );
  for (const op of py.ops.slice(0, 8))
    console.log(
      `  ${op.name.padEnd(26)} ${op.msPerImage.toFixed(3).padStart(8)} ms/image  ${(100 * op.share).toFixed(1).padStart(5)} %`,
    );
  append({
    runId,
    suite: "nn-ops",
    fixture,
    backbone: unet.backbone,
    implementation: "pytorch",
    layerEngine: "trained",
    dtype: "float32",
    batch,
    threads: py.threads,
    msPerForward: py.msPerForward,
    msPerForwardMin: py.msPerForwardMin,
    msPerImage: py.msPerForward / batch,
    cpuMsPerForward: py.cpuMsPerForward,
    cpuMsPerImage: py.cpuMsPerForward / batch,
    repeats,
    ops: py.ops,
    load: loadAverage(),
    env,
    date: new Date().toISOString(),
    torch: py.torch,
  });
}
session.disconnect();
