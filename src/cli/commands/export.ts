import { accessSync, constants, mkdirSync, statSync } from "node:fs";
import { basename, join } from "node:path";
import { type Command, Option } from "commander";
import { type CellArray, cellCount } from "../../cells/spec.js";
import { ValidationError } from "../../core/errors.js";
import { parseTileSize, ringDriveFrom, tileName, tileRegions } from "../../cosim/tiles.js";
import { simulateTypescript } from "../../engines/typescript.js";
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
import { act } from "../action.js";
import type { CliContext } from "../context.js";
import { FileError } from "../exitCodes.js";
import { writeOutput } from "../files.js";
import { positiveInteger, positiveNumber } from "../options.js";
import { layerOnInput, readModel, selectLayers } from "./layerInput.js";

interface Flags {
  layer: string;
  input: string;
  hardware?: string;
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
 * streams (memory does not grow with the text). `build` is the hook where a hardware profile
 * swaps the ideal circuit for a mapped one.
 */
export async function exportLayerNetlists(
  array: CellArray,
  o: NetlistOptions & { tile?: { rows: number; cols: number } },
  dir: string,
  build: NetlistBuilder = regionNetlist,
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
    drive = ringDriveFrom(array, simulateTypescript(array, { T: o.T, tEval: grid }));
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
    .option("--hardware <profile>", "map the layer onto a hardware profile (not available yet)")
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

Example:
  cellspice export test/fixtures/models/cellnn-mnist --layer up1.block1 --tile 7x7 --out-dir out/up1`,
  );
  cmd.action(
    act<Flags>(async ([dir], flags, ctx) => {
      if (flags.hardware !== undefined) {
        throw new ValidationError(
          "--hardware",
          `profile ${JSON.stringify(flags.hardware)}: mapped-array netlists are not available yet`,
          "omit --hardware for the ideal circuit",
        );
      }
      const tile = flags.tile === undefined ? undefined : parseTileSize(flags.tile);
      const exp = readModel(dir);
      const layers = selectLayers(exp, flags.layer);
      const arrays = layers.map((name) => layerOnInput(exp, name, flags.input));
      if (tile) for (const a of arrays) tileRegions(a, tile);
      const outDir = flags.outDir ?? join("out", "export", basename(dir.replace(/[\\/]+$/, "")));
      ensureWritableDir(outDir);
      const index = [];
      for (const array of arrays) {
        const spec = exp.manifest.cell_layers.find((l) => l.name === array.name)!;
        const files = await exportOne(array, spec.cell.T, flags, tile, outDir, ctx);
        index.push({
          layer: array.name,
          cells: cellCount(array),
          shape: [array.channels, array.rows, array.cols],
          inputChannels: array.inputChannels,
          T: spec.cell.T,
          scales: array.scales,
          memristor: array.memristor
            ? { model: array.memristor.model.name, voltage: array.memristor.voltage }
            : null,
          input: flags.input,
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
): Promise<ExportedNetlist[]> {
  ctx.progress(
    `exporting ${array.name}: ${array.channels}×${array.rows}×${array.cols} cells${tile ? `, tiles ${tile.rows}×${tile.cols}` : ", whole layer"}`,
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
  );
}
