import { type Command, Option } from "commander";
import { cellCount } from "../../cells/spec.js";
import { simulateNgspice } from "../../engines/ngspice.js";
import type { ArrayTrajectory } from "../../engines/trajectory.js";
import { defaultMethod, simulateTypescript } from "../../engines/typescript.js";
import { act } from "../action.js";
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
} from "../engineOptions.js";
import { UsageError } from "../exitCodes.js";
import { readArrayFile, writeOutput } from "../files.js";
import { interruptible } from "../interrupt.js";
import { checkFiniteTrajectory, memristorBoundWarnings } from "../resultChecks.js";
import { arrayTable, toCsv, toJson } from "../waveformFile.js";

interface Flags extends NgspiceFlags, SolverFlags {
  engine: "ts" | "ngspice";
  output?: string;
  format?: "csv" | "json";
}

/** `cellspice simulate <array.json>`: one engine's waveforms as CSV or JSON. */
export function registerSimulate(program: Command): void {
  const cmd = program
    .command("simulate")
    .description("simulate an array file with one engine and write its waveforms (CSV or JSON)")
    .argument("<array.json>", "array file (cellspice-array format)")
    .addOption(
      new Option(
        "--engine <engine>",
        "ts: cellspice's own solvers; ngspice: the SPICE netlist in ngspice",
      )
        .choices(["ts", "ngspice"])
        .default("ts"),
    )
    .option(
      "-o, --output <file>",
      "output file; .json writes JSON, anything else CSV (default: CSV on stdout)",
    )
    .addOption(
      new Option("--format <format>", "output format (default: from the file extension)").choices([
        "csv",
        "json",
      ]),
    );
  addTransientOptions(cmd);
  addSolverOptions(cmd);
  addNgspiceOptions(cmd);
  cmd.addHelpText(
    "after",
    `
Output columns: t (in τ), x_<c>_<i>_<j> for every cell (normalised state), then w_<c>_<i>_<j>
(memristor state) for an M-CellNN. Solver options apply to --engine ts, --max-step and the
form options to --engine ngspice.

Example:
  cellspice simulate edge.json --engine ts --method rk4 --dt 0.01 --T 5 -o edge.csv`,
  );
  cmd.action(
    act<Flags>(async ([file], flags, ctx) => {
      const { array, simulation } = await readArrayFile(file, sizeLimits(flags));
      const format =
        flags.format ?? (flags.output?.toLowerCase().endsWith(".json") ? "json" : "csv");
      const solverFlags = (["method", "dt", "rtol", "atol", "precision"] as const).filter(
        (k) => flags[k] !== undefined,
      );
      if (flags.engine === "ngspice" && solverFlags.length > 0) {
        throw new UsageError(
          `--${solverFlags[0]} applies to --engine ts; ngspice's accuracy is set by --max-step (in τ)`,
        );
      }
      if (flags.engine === "ts" && flags.maxStep !== undefined) {
        throw new UsageError(
          "--max-step applies to --engine ngspice; use --rtol/--atol or --method/--dt for --engine ts",
        );
      }
      checkRunSize(array, flags, simulation, {
        typescript: flags.engine === "ts",
        ngspice: flags.engine === "ngspice",
      });
      let tr: ArrayTrajectory;
      if (flags.engine === "ngspice") {
        const o = ngspiceOptions(flags, simulation);
        tr = await ctx.timed(`running ngspice (${cellCount(array)} cells, T = ${o.T} τ)`, () =>
          interruptible((signal) => simulateNgspice(array, { ...o, signal })),
        );
      } else {
        const o = solverOptions(flags, simulation);
        tr = await ctx.timed(
          `running cellspice ${o.method ?? defaultMethod(array)} (${cellCount(array)} cells, T = ${o.T} τ)`,
          () => simulateTypescript(array, o),
        );
      }
      checkFiniteTrajectory(array, tr);
      for (const w of memristorBoundWarnings(array, tr)) process.stderr.write(`warning: ${w}\n`);
      const table = arrayTable(array, tr);
      const text = format === "json" ? toJson(table) : toCsv(table);
      if (flags.output === undefined) {
        ctx.out(text);
        return;
      }
      await writeOutput(flags.output, text, [file]);
      ctx.progress(
        `wrote ${flags.output}: ${tr.t.length} times × ${table.signals.size} signals (${format})`,
      );
    }),
  );
}
