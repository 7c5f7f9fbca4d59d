import { join } from "node:path";
import type { Command } from "commander";
import { cellCount } from "../../cells/spec.js";
import { ValidationError } from "../../core/errors.js";
import {
  DEFAULT_SWITCHING,
  DEFAULT_TOLERANCES,
  type SwitchingTolerance,
} from "../../cosim/cosim.js";
import type { Tolerances } from "../../cosim/metrics.js";
import { act } from "../action.js";
import { cosimToDirectory, verdictTable } from "../cosimRun.js";
import {
  addNgspiceOptions,
  addSolverOptions,
  addTransientOptions,
  checkRunSize,
  type NgspiceFlags,
  ngspiceOptions,
  type SolverFlags,
  sizeLimits,
  solverOptions,
  transientLength,
} from "../engineOptions.js";
import { EXIT, UsageError } from "../exitCodes.js";
import { guardInputs, readArrayFile } from "../files.js";
import { integerList, nonNegativeInteger, positiveNumber } from "../options.js";
import { addLayerOptions, cosimModelLayer, isModelDir, type LayerFlags } from "./cosimLayer.js";

interface Flags extends NgspiceFlags, SolverFlags, LayerFlags {
  outDir?: string;
  maxAbs?: number;
  rms?: number;
  finalRel?: number;
  outputMaxAbs?: number;
  switchThreshold?: number;
  switchDelta?: number;
  cells?: number[];
  memristorCell?: number;
}

const OUTPUT_FILES = [
  "cosim.json",
  "report.html",
  "circuit.cir",
  "waveforms.svg",
  "images.svg",
  "error-map.svg",
];

/** `cellspice cosim <array.json>`: both engines, compared; report and verdict. */
export function registerCosim(program: Command): void {
  const d = DEFAULT_TOLERANCES;
  const cmd = program
    .command("cosim")
    .description(
      "run an array in ngspice and in cellspice, compare the waveforms, write a report; exit 1 if the verdict fails",
    )
    .argument(
      "<array.json|MODEL_DIR>",
      "array file (cellspice-array format), or a trained model directory with --layer (tile by tile, docs/export.md)",
    )
    .option(
      "--out-dir <dir>",
      "directory for cosim.json, report.html, circuit.cir and the SVG figures (default: out/cosim/<array name>)",
    )
    .option(
      "--max-abs <x>",
      `tolerance of max_t |Δx| per cell, in units of x (default ${d.maxAbs})`,
      positiveNumber,
    )
    .option(
      "--rms <x>",
      `tolerance of the RMS of Δx, in units of x (default ${d.rms})`,
      positiveNumber,
    )
    .option(
      "--final-rel <r>",
      `tolerance of ‖Δx(T)‖/‖x(T)‖ (default ${d.finalRelative})`,
      positiveNumber,
    )
    .option(
      "--output-max-abs <y>",
      `tolerance of max_t |Δf(x)| per cell (default ${d.outputMaxAbs})`,
      positiveNumber,
    )
    .option(
      "--cells <list>",
      "flat cell indices (c·rows + i)·cols + j drawn in waveforms.svg, comma-separated (default: the worst cell and the centre cell)",
      integerList,
    )
    .option(
      "--memristor-cell <index>",
      "M-CellNN: the cell whose memristor the i–v figures show (default: the one whose w moves most)",
      nonNegativeInteger,
    )
    .option(
      "--switch-threshold <w>",
      `M-CellNN: a memristor switches when w first crosses this (default ${DEFAULT_SWITCHING.threshold})`,
      positiveNumber,
    )
    .option(
      "--switch-delta <tau>",
      `M-CellNN: tolerance of the switching times' difference, in units of τ (default ${DEFAULT_SWITCHING.maxDelta})`,
      positiveNumber,
    );
  addTransientOptions(cmd);
  addNgspiceOptions(cmd);
  addSolverOptions(cmd);
  addLayerOptions(cmd);
  cmd.addHelpText(
    "after",
    `
Δx = ngspice − cellspice on ngspice's own time points (cellspice's dense output is evaluated
there). The verdict passes when every tolerance holds; for an M-CellNN the memristors' switching
times (first crossing of --switch-threshold) must also agree within --switch-delta. --points sets ngspice's .tran print step;
the comparison uses every accepted ngspice time point.

Example:
  cellspice cosim edge.json --T 5 --out-dir out/edge --max-abs 1e-4`,
  );
  cmd.action(
    act<Flags>(async ([file], flags, ctx) => {
      if (isModelDir(file)) return cosimModelLayer(file, flags, ctx);
      const { array, simulation } = await readArrayFile(file, sizeLimits(flags));
      const dir = flags.outDir ?? join("out", "cosim", array.name.replace(/[^\w.-]+/g, "_"));
      guardInputs(
        OUTPUT_FILES.map((f) => join(dir, f)),
        [file],
      );
      checkRunSize(array, flags, simulation, { typescript: true, ngspice: true });
      const n = cellCount(array);
      for (const [option, list] of [
        ["--cells", flags.cells ?? []],
        ["--memristor-cell", flags.memristorCell === undefined ? [] : [flags.memristorCell]],
      ] as const) {
        for (const p of list) {
          if (p >= n)
            throw new ValidationError(
              option,
              `cell ${p} is not in the array`,
              `flat indices 0…${n - 1}`,
            );
        }
      }
      if (flags.memristorCell !== undefined && !array.memristor) {
        throw new UsageError("--memristor-cell needs an M-CellNN array (one with a memristor)");
      }
      const tolerances: Partial<Tolerances> = {};
      if (flags.maxAbs !== undefined) tolerances.maxAbs = flags.maxAbs;
      if (flags.rms !== undefined) tolerances.rms = flags.rms;
      if (flags.finalRel !== undefined) tolerances.finalRelative = flags.finalRel;
      if (flags.outputMaxAbs !== undefined) tolerances.outputMaxAbs = flags.outputMaxAbs;
      const switching: Partial<SwitchingTolerance> = {};
      if (flags.switchThreshold !== undefined) switching.threshold = flags.switchThreshold;
      if (flags.switchDelta !== undefined) switching.maxDelta = flags.switchDelta;
      const { T: _t1, ...typescript } = solverOptions(flags, simulation);
      const { T: _t2, ...ngspice } = ngspiceOptions(flags, simulation);
      const { result, files } = await cosimToDirectory(
        array,
        { T: transientLength(flags, simulation), tolerances, switching, typescript, ngspice },
        dir,
        ctx,
        { cells: flags.cells, memristorCell: flags.memristorCell },
      );
      ctx.out(verdictTable(result));
      ctx.out(`report: ${files.report}\nsummary: ${files.summary}`);
      if (!result.verdict.pass) process.exitCode = EXIT.verdictFailed;
    }),
  );
}
