/**
 * What a trained layer costs in ngspice (docs/performance.md, "What a trained layer costs"): the
 * exported netlists of fixture layers — a whole layer and single tiles — run by ngspice 39 as a
 * user would (`ngspice -b -r FILE.raw FILE.cir`, wrapped in `/usr/bin/time -f %M` for the peak
 * resident memory), against cells and elements; and cellspice's time for the same whole layer
 * (its default solver, rtol 1e-8, as `cellspice cosim MODEL_DIR` solves it). One timed run per
 * case (the cases take seconds to minutes); the 1-minute load average is recorded with each row
 * because the machine is shared.
 *
 *   flock /tmp/cellspice-cpu.lock npx tsx bench/export.ts [--only PREFIX,…] [--no-whole]
 *
 * Appends rows to bench/results/export.jsonl. The netlists use the settings of a layer
 * co-simulation (src/cli/commands/cosimLayer.ts LAYER_DEFAULTS): step cap 1e-2 τ, inputs
 * folded, 200 points, the ring driven from cellspice's solution of the whole layer.
 */
import { execFile } from "node:child_process";
import { appendFileSync, mkdirSync, mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { benchEnvironment, loadAverage } from "../src/bench/environment.js";
import type { CellArray } from "../src/cells/spec.js";
import { ringDriveFrom } from "../src/cosim/tiles.js";
import { simulateTypescript } from "../src/engines/typescript.js";
import { type NetlistOptions, regionNetlist } from "../src/spice/netlist/cellArray.js";
import type { CellRegion } from "../src/spice/netlist/region.js";
import { writeNetlistFile } from "../src/spice/netlist/writeFile.js";
import { loadExport } from "../src/trained/exportDir.js";
import { layerArray } from "../src/trained/unetExport.js";

const OUT = "bench/results/export.jsonl";
const args = process.argv.slice(2);
const command = `npx tsx bench/export.ts ${args.join(" ")}`.trim();
const only = args.includes("--only") ? args[args.indexOf("--only") + 1].split(",") : undefined;
const noWhole = args.includes("--no-whole");
const runId = new Date().toISOString();
const env = benchEnvironment(command);

interface Case {
  name: string;
  model: "cellnn-mnist" | "mcellnn-mnist";
  layer: string;
  /** undefined: the whole layer. */
  tile?: CellRegion;
  /** Transient length [τ] (default T): a whole layer runs a tenth of it within the time limit. */
  T?: number;
}

const CASES: Case[] = [
  { name: "cellnn up1.block1 whole, T = 0.1", model: "cellnn-mnist", layer: "up1.block1", T: 0.1 },
  {
    name: "cellnn up1.block1 2x2 tile",
    model: "cellnn-mnist",
    layer: "up1.block1",
    tile: { row0: 6, col0: 6, rows: 2, cols: 2 },
  },
  {
    name: "cellnn up1.block1 4x4 tile",
    model: "cellnn-mnist",
    layer: "up1.block1",
    tile: { row0: 4, col0: 4, rows: 4, cols: 4 },
  },
  {
    name: "cellnn up1.block1 7x7 tile",
    model: "cellnn-mnist",
    layer: "up1.block1",
    tile: { row0: 7, col0: 0, rows: 7, cols: 7 },
  },
  {
    name: "cellnn down1.block 4x4 tile",
    model: "cellnn-mnist",
    layer: "down1.block",
    tile: { row0: 12, col0: 12, rows: 4, cols: 4 },
  },
  {
    name: "mcellnn up1.block1 2x2 tile",
    model: "mcellnn-mnist",
    layer: "up1.block1",
    tile: { row0: 6, col0: 6, rows: 2, cols: 2 },
  },
  {
    name: "mcellnn up1.block1 1x1 tile",
    model: "mcellnn-mnist",
    layer: "up1.block1",
    tile: { row0: 6, col0: 6, rows: 1, cols: 1 },
  },
  {
    name: "mcellnn up1.block1 3x3 tile",
    model: "mcellnn-mnist",
    layer: "up1.block1",
    tile: { row0: 5, col0: 5, rows: 3, cols: 3 },
  },
];

const T = 1;
const POINTS = 200;
const OPTIONS: NetlistOptions = { T, points: POINTS, maxStep: 1e-2, inputForm: "folded" };

function layerOf(model: string, layer: string): CellArray {
  const exp = loadExport(`test/fixtures/models/${model}`);
  const t = exp.golden!.get(`layers.${layer}.input`)!;
  const [, cin, rows, cols] = t.shape;
  const u = Float64Array.from(t.data.subarray(0, cin * rows * cols));
  return layerArray(exp.manifest, exp.tensors, layer, { data: u, rows, cols });
}

/** Runs `ngspice -b -r raw file` under /usr/bin/time: wall ms, peak RSS [KiB], exit code. */
function ngspice(file: string, raw: string): Promise<{ wallMs: number; peakKiB: number }> {
  const started = performance.now();
  return new Promise((done, fail) =>
    execFile(
      "/usr/bin/time",
      ["-f", "peak %M", process.env.CELLSPICE_NGSPICE ?? "ngspice", "-b", "-r", raw, file],
      { maxBuffer: 1 << 28 },
      (e, _stdout, stderr) => {
        const wallMs = performance.now() - started;
        const m = /peak (\d+)\s*$/.exec(stderr);
        if (e || !m)
          fail(new Error(`ngspice failed on ${file}: ${e?.message ?? ""}\n${stderr.slice(-2000)}`));
        else done({ wallMs, peakKiB: Number(m[1]) });
      },
    ),
  );
}

const dir = mkdtempSync(join(tmpdir(), "cellspice-bench-export-"));
mkdirSync(dirname(OUT), { recursive: true });
const solved = new Map<string, { array: CellArray; cs: ReturnType<typeof simulateTypescript> }>();
try {
  for (const c of CASES) {
    if (only && !only.some((o) => c.name.startsWith(o))) continue;
    if (noWhole && !c.tile) continue;
    const key = `${c.model}/${c.layer}`;
    let s = solved.get(key);
    if (!s) {
      const array = layerOf(c.model, c.layer);
      const grid = Float64Array.from({ length: POINTS + 1 }, (_, k) =>
        k === POINTS ? T : (T * k) / POINTS,
      );
      const cs = simulateTypescript(array, { T, tEval: grid });
      s = { array, cs };
      solved.set(key, s);
      const row = {
        runId,
        suite: "export",
        case: `${c.model.replace("-mnist", "")} ${c.layer} cellspice whole layer`,
        engine: "cellspice",
        solver: String(cs.info.method ?? ""),
        model: c.model,
        layer: c.layer,
        channels: array.channels,
        rows: array.rows,
        cols: array.cols,
        cells: array.channels * array.rows * array.cols,
        memristor: array.memristor?.model.name ?? null,
        T,
        wallMs: cs.wallTimeMs,
        load: loadAverage(),
        env,
        date: new Date().toISOString(),
      };
      appendFileSync(OUT, `${JSON.stringify(row)}\n`);
      console.log(`${row.case}: ${(row.wallMs / 1000).toFixed(2)} s (load ${row.load})`);
    }
    const { array, cs } = s;
    const region = c.tile ?? { row0: 0, col0: 0, rows: array.rows, cols: array.cols };
    const Tc = c.T ?? T;
    const built = regionNetlist(
      array,
      { ...OPTIONS, T: Tc, points: Math.round((POINTS * Tc) / T) },
      region,
      c.tile ? ringDriveFrom(array, cs) : undefined,
    );
    const file = join(dir, "layer.cir");
    const written = await writeNetlistFile(file, built.netlist);
    const elements = built.countElements();
    const r = await ngspice(file, join(dir, "layer.raw"));
    const row = {
      runId,
      suite: "export",
      case: c.name,
      engine: "ngspice",
      solver: "tran vccs/folded",
      model: c.model,
      layer: c.layer,
      channels: array.channels,
      rows: region.rows,
      cols: region.cols,
      tile: c.tile ?? null,
      cells: array.channels * region.rows * region.cols,
      ringPositions: built.ring.length,
      elements,
      netlistBytes: written.bytes,
      rawBytes: statSync(join(dir, "layer.raw")).size,
      memristor: array.memristor?.model.name ?? null,
      T: Tc,
      maxStep: OPTIONS.maxStep,
      points: Math.round((POINTS * Tc) / T),
      wallMs: r.wallMs,
      peakRssMiB: r.peakKiB / 1024,
      load: loadAverage(),
      env,
      date: new Date().toISOString(),
    };
    appendFileSync(OUT, `${JSON.stringify(row)}\n`);
    console.log(
      `${c.name}: ${row.cells} cells, ${elements} elements, ${(row.netlistBytes / 1e6).toFixed(1)} MB; ngspice ${(row.wallMs / 1000).toFixed(1)} s, peak ${row.peakRssMiB.toFixed(0)} MiB (load ${row.load})`,
    );
    rmSync(join(dir, "layer.raw"), { force: true });
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
