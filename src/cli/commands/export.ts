import { accessSync, constants, mkdirSync, statSync } from "node:fs";
import { basename, join } from "node:path";
import { type Command, Option } from "commander";
import { type CellArray, cellCount } from "../../cells/spec.js";
import { ValidationError } from "../../core/errors.js";
import { parseTileSize, ringDriveFrom, tileName, tileRegions } from "../../cosim/tiles.js";
import { simulateTypescript } from "../../engines/typescript.js";
import { type MappedLayer, mapLayer } from "../../hardware/mappedLayer.js";
import { mappedRegionNetlist, mappedRingDrive, solveMapped } from "../../hardware/netlist.js";
import { checkProfileLayers, isAnalogLayer } from "../../hardware/profile.js";
import { loadHardwareProfile } from "../../report/hardwareProfile.js";
import {
  type NetlistOptions,
  type RegionNetlist,
  type RingDrive,
  regionNetlist,
} from "../../spice/netlist/cellArray.js";
import { rawFileFor } from "../../spice/netlist/control.js";
import { buildNodeMap } from "../../spice/netlist/nodeMap.js";
import type { CellRegion } from "../../spice/netlist/region.js";
import { checkTopology } from "../../spice/netlist/topology.js";
import { writeNetlistFile } from "../../spice/netlist/writeFile.js";
import type { TrainedExport } from "../../trained/exportDir.js";
import type { TrainedCellLayer } from "../../unet/layerEngine.js";
import { act } from "../action.js";
import type { CliContext } from "../context.js";
import { FileError } from "../exitCodes.js";
import { writeOutput } from "../files.js";
import { positiveInteger, positiveNumber } from "../options.js";
import { layerOnInput, readModel, selectLayers } from "./layerInput.js";
import { integerOption } from "./sampleOptions.js";

interface Flags {
  layer: string;
  input: string;
  hardware?: string;
  mismatchSeed: string;
  tile?: string;
  outDir?: string;
  maxStep: number;
  points: number;
  inputForm: "sources" | "folded";
  templateForm: "vccs" | "behavioral";
}

/** How a layer becomes netlists: the ideal circuit (regionNetlist), or a hardware mapping. */
export type NetlistBuilder = (
  array: CellArray,
  options: NetlistOptions,
  region: CellRegion,
  ring: RingDrive | undefined,
) => RegionNetlist;

/** The waveforms of a tile's ring, on report times `grid` (τ) over [0, T]. */
export type RingSource = (grid: Float64Array) => RingDrive;

/** What was written for one netlist. */
export interface ExportedNetlist {
  netlist: string;
  nodeMap: string;
  tile: CellRegion;
  cells: number;
  ring: number;
  elements: number;
  bytes: number;
}

/**
 * The netlists of one layer into `dir`: `<layer>.cir` for the whole layer, or
 * `<layer>/<tile>.cir` per tile (ring driven by cellspice's solution of the whole layer), each
 * with its node map `….nodes.json` and a `.control` block writing `….raw` beside it. Written as
 * streams (memory does not grow with the text). `build` and `ringSource` are where a hardware
 * profile swaps the ideal circuit for a mapped one (exportMapped): its netlists, and the
 * solution of the whole mapped layer that drives its tiles' rings.
 */
export async function exportLayerNetlists(
  array: CellArray,
  o: NetlistOptions & { tile?: { rows: number; cols: number } },
  dir: string,
  build: NetlistBuilder = regionNetlist,
  ringSource: RingSource = (grid) =>
    ringDriveFrom(array, simulateTypescript(array, { T: o.T, tEval: grid })),
): Promise<ExportedNetlist[]> {
  const regions = o.tile
    ? tileRegions(array, o.tile)
    : [{ row0: 0, col0: 0, rows: array.rows, cols: array.cols }];
  const tiled = regions.length > 1 || o.tile !== undefined;
  let drive: RingDrive | undefined;
  if (tiled) {
    const points = o.points ?? 100;
    const grid = Float64Array.from({ length: points + 1 }, (_, k) =>
      k === points ? o.T : (o.T * k) / points,
    );
    drive = ringSource(grid);
  }
  const out: ExportedNetlist[] = [];
  for (const region of regions) {
    const stem = tiled ? join(dir, array.name, tileName(region)) : join(dir, array.name);
    const file = `${stem}.cir`;
    const built = build(array, { ...o, controlRawFile: rawFileFor(file) }, region, drive);
    checkTopology(built.netlist);
    let written: Awaited<ReturnType<typeof writeNetlistFile>>;
    try {
      mkdirSync(join(file, ".."), { recursive: true });
      written = await writeNetlistFile(file, built.netlist);
    } catch (e) {
      throw new FileError(file, "write", (e as NodeJS.ErrnoException).code ?? String(e));
    }
    const map = buildNodeMap(array, built, basename(file));
    await writeOutput(`${stem}.nodes.json`, `${JSON.stringify(map, null, 1)}\n`);
    out.push({
      netlist: file,
      nodeMap: `${stem}.nodes.json`,
      tile: region,
      cells: array.channels * region.rows * region.cols,
      ring: built.ring.length,
      elements: built.countElements(),
      bytes: written.bytes,
    });
  }
  return out;
}

/** Checks that `dir` is (or can be made) a writable directory; FileError (exit 3) if not. */
export function ensureWritableDir(dir: string): void {
  try {
    mkdirSync(dir, { recursive: true });
    if (!statSync(dir).isDirectory())
      throw Object.assign(new Error("not a directory"), { code: "ENOTDIR" });
    accessSync(dir, constants.W_OK);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? String(e);
    throw new FileError(dir, "write", `${code}: the output directory must be a writable directory`);
  }
}

/** `cellspice export MODEL_DIR --layer NAME|all`: SPICE netlists of trained layers. */
export function registerExport(program: Command): void {
  const cmd = program
    .command("export")
    .description(
      "write SPICE netlists of trained cellular layers (whole layer or tiles with a driven ring), with node maps",
    )
    .argument(
      "<MODEL_DIR>",
      "a trained export (manifest.json, model.safetensors; docs/export-format.md)",
    )
    .requiredOption("--layer <name|all>", "the cellular layer to export, or all of them")
    .option(
      "--input <golden|FILE>",
      "the layer's input: its golden input, or a safetensors file (tensor layers.<name>.input, input, or the only one; C_in×H×W)",
      "golden",
    )
    .option(
      "--hardware <profile>",
      "netlists of the layer mapped by a hardware profile (per-instance transconductances, offsets, memristor parameters; docs/hardware.md)",
    )
    .option("--mismatch-seed <s>", "--hardware: seed of the realised circuit's mismatch", "0")
    .option(
      "--tile <RxC>",
      "one netlist per tile of R×C cells (every channel); a size that does not divide the layer leaves smaller last tiles",
    )
    .option("--out-dir <dir>", "output directory (default: out/export/<model directory name>)")
    .option("--max-step <tau>", "largest ngspice step in units of τ", positiveNumber, 1e-3)
    .option(
      "--points <n>",
      "ngspice print points over [0, T]; also the PWL points of a tile's ring",
      positiveInteger,
      400,
    )
    .addOption(
      new Option(
        "--input-form <form>",
        "inputs as u sources with VCCS, or folded into one current per cell",
      )
        .choices(["sources", "folded"])
        .default("sources"),
    )
    .addOption(
      new Option(
        "--template-form <form>",
        "one VCCS per template coefficient, or one behavioural source per cell",
      )
        .choices(["vccs", "behavioral"])
        .default("vccs"),
    );
  cmd.addHelpText(
    "after",
    `
Each netlist runs by itself: ngspice -b FILE.cir writes FILE.raw beside it; ngspice FILE.cir
then 'plot v(x_0_3_4)' at the prompt. Node maps (FILE.nodes.json) name each node's layer,
channel, row, column and role. The same command twice writes the same bytes.

Examples:
  cellspice export test/fixtures/models/cellnn-mnist --layer up1.block1 --tile 7x7 --out-dir out/up1
  cellspice export test/fixtures/models/mcellnn-mnist --layer up1.block1 --tile 7x7 \
    --hardware models/hardware/noisy-small-c.json --mismatch-seed 3 --out-dir out/up1-hw`,
  );
  cmd.action(
    act<Flags>(async ([dir], flags, ctx) => {
      const tile = flags.tile === undefined ? undefined : parseTileSize(flags.tile);
      const exp = readModel(dir);
      const layers = selectLayers(exp, flags.layer);
      if (flags.hardware !== undefined && flags.inputForm !== "sources")
        throw new ValidationError(
          "--input-form",
          `${flags.inputForm} with --hardware: a mapped layer's inputs are always sources`,
          "sources (the default)",
        );
      if (flags.hardware !== undefined && flags.templateForm !== "vccs")
        throw new ValidationError(
          "--template-form",
          `${flags.templateForm} with --hardware: a mapped layer has one VCCS per programmed coefficient`,
          "vccs (the default)",
        );
      const hardware =
        flags.hardware === undefined ? undefined : mappedCircuits(exp, flags, layers);
      const arrays = layers.map((name) => layerOnInput(exp, name, flags.input));
      if (tile) for (const a of arrays) tileRegions(a, tile);
      const outDir = flags.outDir ?? join("out", "export", basename(dir.replace(/[\\/]+$/, "")));
      ensureWritableDir(outDir);
      const index = [];
      for (const array of arrays) {
        const spec = exp.manifest.cell_layers.find((l) => l.name === array.name)!;
        const mapped = hardware?.map(array);
        const T = mapped ? mapped.T : spec.cell.T;
        const files = await exportOne(mapped?.array ?? array, T, flags, tile, outDir, ctx, mapped);
        index.push({
          layer: array.name,
          cells: cellCount(array),
          shape: [array.channels, array.rows, array.cols],
          inputChannels: array.inputChannels,
          T,
          scales: mapped?.array.scales ?? array.scales,
          memristor: array.memristor
            ? { model: array.memristor.model.name, voltage: array.memristor.voltage }
            : null,
          input: flags.input,
          hardware: hardware
            ? { profile: basename(flags.hardware!), mismatchSeed: hardware.seed }
            : null,
          files: files.map((f) => ({
            ...f,
            netlist: basename(f.netlist),
            nodeMap: basename(f.nodeMap),
          })),
        });
      }
      const summary = {
        format: "cellspice-netlist-export",
        model: basename(dir.replace(/[\\/]+$/, "")),
        dialect: "ngspice (39); docs/export.md says what other simulators need",
        options: {
          maxStep: flags.maxStep,
          points: flags.points,
          inputForm: flags.inputForm,
          templateForm: flags.templateForm,
          tile: tile ?? null,
        },
        layers: index,
      };
      await writeOutput(join(outDir, "export.json"), `${JSON.stringify(summary, null, 2)}\n`);
      ctx.out(
        index
          .map(
            (l) =>
              `${l.layer}: ${l.files.length} netlist(s), ${l.files.reduce((s, f) => s + f.elements, 0)} elements, ${l.files.reduce((s, f) => s + f.bytes, 0)} bytes`,
          )
          .join("\n"),
      );
      ctx.out(`wrote ${join(outDir, "export.json")}`);
    }),
  );
}

async function exportOne(
  array: CellArray,
  T: number,
  flags: Flags,
  tile: { rows: number; cols: number } | undefined,
  outDir: string,
  ctx: CliContext,
  mapped?: MappedCircuit,
): Promise<ExportedNetlist[]> {
  ctx.progress(
    `exporting ${array.name}${mapped ? " mapped" : ""}: ${array.channels}×${array.rows}×${array.cols} cells${tile ? `, tiles ${tile.rows}×${tile.cols}` : ", whole layer"}`,
  );
  return exportLayerNetlists(
    array,
    {
      T,
      points: flags.points,
      maxStep: flags.maxStep,
      inputForm: flags.inputForm,
      templateForm: flags.templateForm,
      tile,
    },
    outDir,
    mapped?.build,
    mapped?.ringSource,
  );
}

/** A layer mapped by a hardware profile: its netlist builder, ring source, T_hw and node-map array. */
export interface MappedCircuit {
  /** The ideal array with the mapped layer's scales (shape, names and scales of the node map). */
  array: CellArray;
  T: number;
  build: NetlistBuilder;
  ringSource: RingSource;
}

/**
 * `--hardware PROFILE --mismatch-seed S`: each selected layer realised on the profile's circuit
 * (src/hardware mapLayer), for the export's netlists. Profile errors name the file and field
 * (exit 3); a layer the profile keeps digital is refused naming the analog layers.
 */
export function mappedCircuits(
  exp: TrainedExport,
  flags: { hardware?: string; mismatchSeed: string },
  layers: readonly string[],
): { seed: number; layer(array: CellArray): MappedLayer; map(array: CellArray): MappedCircuit } {
  const file = flags.hardware!;
  const profile = loadHardwareProfile(file);
  const seed = integerOption(
    "--mismatch-seed",
    flags.mismatchSeed,
    0,
    Number.MAX_SAFE_INTEGER,
    "an integer ≥ 0",
  );
  const names = exp.manifest.cell_layers.map((l) => l.name);
  checkProfileLayers(profile, names, file);
  for (const name of layers)
    if (!isAnalogLayer(profile, name))
      throw new ValidationError(
        "--layer",
        `${name} is not computed on the circuit under ${file} (layers.analog)`,
        `${names.filter((n) => isAnalogLayer(profile, n)).join(", ")}`,
      );
  const layer = (array: CellArray): MappedLayer => {
    const spec = exp.manifest.cell_layers.find((l) => l.name === array.name)!;
    const get = (name: string) => exp.tensors.get(name)!.data as Float64Array;
    const trained: TrainedCellLayer = {
      spec,
      A: get(spec.templates.A),
      B: get(spec.templates.B),
      z: get(spec.templates.z),
    };
    return mapLayer(trained, profile, seed, array.rows, array.cols);
  };
  return {
    seed,
    layer,
    map(array) {
      const m = layer(array);
      const u = array.input;
      return {
        array: { ...array, scales: m.scales },
        T: m.T_hw,
        build: (_a, options, region, ring) =>
          mappedRegionNetlist(
            m,
            u,
            {
              points: options.points,
              maxStep: options.maxStep,
              controlRawFile: options.controlRawFile,
            },
            region,
            ring,
          ),
        ringSource: (grid) => {
          const r = solveMapped(m, u, grid);
          return mappedRingDrive(m, r.t, r.x);
        },
      };
    },
  };
}
