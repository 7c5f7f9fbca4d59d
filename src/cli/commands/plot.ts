import { type Command, Option } from "commander";
import { ValidationError } from "../../core/errors.js";
import { plotIvLoop } from "../../plot/ivLoop.js";
import { plotWaveforms } from "../../plot/waveforms.js";
import { act } from "../action.js";
import { attachSource } from "../errorMessage.js";
import { readText, writeOutput } from "../files.js";
import { integerList } from "../options.js";
import { parseWaveformFile, type WaveformTable } from "../waveformFile.js";

interface Flags {
  output: string;
  cells?: number[];
  signal: "x" | "w";
  title?: string;
}

/** `cellspice plot <waveforms>`: an SVG of waveforms written by `simulate` or `memristor`. */
export function registerPlot(program: Command): void {
  program
    .command("plot")
    .description(
      "plot a waveform file written by `simulate` (waveforms of chosen cells) or `memristor` (i–v loop)",
    )
    .argument("<waveforms>", "CSV or JSON waveform file")
    .requiredOption("-o, --output <file.svg>", "SVG file to write")
    .option(
      "--cells <list>",
      "flat cell indices (c·rows + i)·cols + j, comma-separated (default: up to 4 cells spread over the array)",
      integerList,
    )
    .addOption(
      new Option("--signal <name>", "x: cell states; w: memristor states (M-CellNN)")
        .choices(["x", "w"])
        .default("x"),
    )
    .option("--title <text>", "figure title")
    .addHelpText(
      "after",
      `
Examples:
  cellspice simulate edge.json -o edge.csv && cellspice plot edge.csv --cells 0,5,27 -o edge.svg
  cellspice memristor --engine ts --out-dir out/taox && cellspice plot out/taox/drive-cellspice.csv -o iv.svg`,
    )
    .action(
      act<Flags>(async ([file], f, ctx) => {
        const text = await readText(file);
        let table: WaveformTable;
        try {
          table = parseWaveformFile(text, file);
        } catch (e) {
          throw attachSource(e, file);
        }
        const svg =
          table.kind === "memristor-drive" ? ivFigure(table, f) : waveformFigure(table, f, file);
        await writeOutput(f.output, svg, [file]);
        ctx.progress(`wrote ${f.output}`);
      }),
    );
}

function ivFigure(table: WaveformTable, f: Flags): string {
  const s = table.signals;
  return plotIvLoop({
    title: f.title ?? `i–v loop (${table.engine})`,
    v: s.get("v")!,
    i: s.get("i")!,
    w: s.get("w"),
    t: table.t,
    timeUnit: table.timeUnit,
  });
}

function waveformFigure(table: WaveformTable, f: Flags, file: string): string {
  const names = [...table.signals.keys()].filter((n) => n.startsWith(`${f.signal}_`));
  if (names.length === 0) {
    throw new ValidationError(
      `${file}: columns`,
      `no ${f.signal}_<c>_<i>_<j> columns`,
      f.signal === "w"
        ? "an M-CellNN waveform file (w columns)"
        : "x_<c>_<i>_<j> columns as written by simulate",
    );
  }
  const n = names.length;
  const cells = f.cells ?? spread(n, Math.min(4, n));
  for (const p of cells) {
    if (p >= n)
      throw new ValidationError("--cells", `cell ${p} is not in the file`, `indices 0…${n - 1}`);
  }
  return plotWaveforms({
    title:
      f.title ?? `${f.signal === "x" ? "State" : "Memristor state"} waveforms (${table.engine})`,
    xLabel: "time t",
    yLabel: f.signal === "x" ? "state x" : "memristor state w",
    xUnit: table.timeUnit === "tau" ? "τ" : "s",
    yUnit: "",
    series: cells.map((p) => ({ label: names[p], t: table.t, y: table.signals.get(names[p])! })),
  });
}

/** m indices spread evenly over 0…n−1. */
function spread(n: number, m: number): number[] {
  if (m <= 1) return [0];
  return [...new Set(Array.from({ length: m }, (_, k) => Math.round((k * (n - 1)) / (m - 1))))];
}
