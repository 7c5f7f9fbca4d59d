import { join } from "node:path";
import type { Command } from "commander";
import { arrayToObject } from "../../cells/io.js";
import { classicArray, classicTemplate } from "../../cells/library.js";
import type { CellArray } from "../../cells/spec.js";
import { createMemristor } from "../../devices/registry.js";
import { act } from "../action.js";
import { cosimToDirectory, verdictTable } from "../cosimRun.js";
import { EXIT } from "../exitCodes.js";
import { writeOutput } from "../files.js";
import { parseTextImage } from "../images.js";
import { readableJson } from "../json.js";
import { fmt, formatTable } from "../table.js";

/** A 16×16 test picture: a square with a hole, a bar and a cross (black = '#'). */
const PICTURE_16 = [
  "................",
  ".######.........",
  ".######.....#...",
  ".##..##.....#...",
  ".##..##...#####.",
  ".######.....#...",
  ".######.....#...",
  "................",
  "................",
  "..##########....",
  "..##########....",
  "................",
  "....#.......###.",
  "...###......###.",
  "....#.......###.",
  "................",
];

/** An 8×8 picture for the M-CellNN array. */
const PICTURE_8 = [
  "........",
  ".####...",
  ".####...",
  ".####...",
  ".####.#.",
  "......#.",
  "..####..",
  "........",
];

interface Case {
  dir: string;
  array: CellArray;
  T: number;
  title: string;
  description: string;
}

/** The demo's two co-simulations. */
export function demoCases(): Case[] {
  const edge = classicTemplate("edge");
  const plain = classicArray(edge, parseTextImage(PICTURE_16.join("\n")));
  const small = classicArray(edge, parseTextImage(PICTURE_8.join("\n")));
  const model = createMemristor("strachan-taox");
  const memristive: CellArray = {
    ...small,
    name: "edge-taox",
    scales: { tau: 1e-3, Vs: 0.2, R: 100 },
    memristor: { model, w0: new Float64Array(small.rows * small.cols).fill(0.1), voltage: "x" },
  };
  return [
    {
      dir: "edge",
      array: plain,
      T: 3,
      title: "CellNN edge detection, 16×16 (cellspice vs ngspice)",
      description: `Classic EDGE template (${edge.source}) on a 16×16 picture: ${edge.expected}.`,
    },
    {
      dir: "m-cellnn",
      array: memristive,
      T: 3,
      title: "M-CellNN edge detection with TaOx memristors, 8×8 (cellspice vs ngspice)",
      description:
        "EDGE template with a Strachan TaOx memristor (strachan-taox, as published) across each cell capacitor; scales τ = 1 ms, V_s = 0.2 V, R = 100 Ω, w(0) = 0.1.",
    },
  ];
}

/** `cellspice demo`: two co-simulations end to end, with reports. */
export function registerDemo(program: Command): void {
  program
    .command("demo")
    .description(
      "co-simulate a classic CellNN (edge detection, 16×16) and a small M-CellNN (TaOx memristors, 8×8), and write HTML reports",
    )
    .option("--out-dir <dir>", "output directory", join("out", "demo"))
    .addHelpText(
      "after",
      `
Writes <out-dir>/edge/ and <out-dir>/m-cellnn/ (each: array.json, cosim.json, report.html,
circuit.cir, SVG figures) and <out-dir>/summary.json. Needs ngspice. Exit 1 if a verdict fails.

Example:
  cellspice demo --out-dir out/demo`,
    )
    .action(
      act<{ outDir: string }>(async (_args, f, ctx) => {
        const start = performance.now();
        const rows: string[][] = [];
        const summary: Record<string, unknown>[] = [];
        const tables: string[] = [];
        let pass = true;
        for (const c of demoCases()) {
          const dir = join(f.outDir, c.dir);
          await writeOutput(
            join(dir, "array.json"),
            `${readableJson(arrayToObject(c.array, { T: c.T }))}\n`,
          );
          const { result, files } = await cosimToDirectory(c.array, { T: c.T }, dir, ctx, {
            title: c.title,
            description: c.description,
            template: "EDGE",
          });
          pass &&= result.verdict.pass;
          tables.push(verdictTable(result));
          rows.push([
            c.array.name,
            `${c.array.rows}×${c.array.cols}`,
            c.array.memristor?.model.name ?? "-",
            fmt(result.overall.maxAbs),
            result.memristor ? fmt(result.memristor.maxAbs) : "-",
            result.verdict.pass ? "PASS" : "FAIL",
            files.report,
          ]);
          summary.push({
            name: c.array.name,
            dir,
            report: files.report,
            cosim: files.summary,
            pass: result.verdict.pass,
            overall: result.overall,
            memristor: result.memristor ?? null,
          });
        }
        await writeOutput(
          join(f.outDir, "summary.json"),
          `${JSON.stringify({ pass, cases: summary }, null, 2)}\n`,
        );
        ctx.out(tables.join("\n\n"));
        ctx.out(
          `\n${formatTable(["array", "size", "memristor", "max |Δx|", "max |Δw|", "verdict", "report"], rows)}`,
        );
        ctx.out(
          `\nAll outputs in ${f.outDir} (summary.json); open the report.html files in a browser. ${((performance.now() - start) / 1000).toFixed(1)} s in all.`,
        );
        if (!pass) process.exitCode = EXIT.verdictFailed;
      }),
    );
}
