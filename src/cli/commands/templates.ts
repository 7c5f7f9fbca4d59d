import { readFile } from "node:fs/promises";
import type { Command } from "commander";
import { arrayToObject } from "../../cells/io.js";
import {
  CLASSIC_NAMES,
  type ClassicTemplate,
  classicArray,
  classicTemplate,
} from "../../cells/library.js";
import type { CellArray, PhysicalScales } from "../../cells/spec.js";
import { validateCellArray } from "../../cells/spec.js";
import { createMemristor } from "../../devices/registry.js";
import { act } from "../action.js";
import { attachSource } from "../errorMessage.js";
import { FileError, UsageError } from "../exitCodes.js";
import { writeOutput } from "../files.js";
import { parseImage } from "../images.js";
import { readableJson } from "../json.js";
import { finiteNumber, paramPair, positiveNumber, positiveQuantity } from "../options.js";
import { formatTable } from "../table.js";

interface Flags {
  json?: boolean;
  image?: string;
  output?: string;
  threshold?: number;
  D?: number;
  T?: number;
  memristor?: string;
  param?: Record<string, number>;
  w0?: number;
  tau?: string;
  vs?: string;
  r?: string;
}

/** `cellspice templates [name]`: the classic library, or an array file for one template. */
export function registerTemplates(program: Command): void {
  program
    .command("templates")
    .description(
      "list the classic template library, or write an array file running one template on an image",
    )
    .argument("[name]", `template name (${CLASSIC_NAMES.join(", ")})`)
    .option("--json", "list as JSON")
    .option(
      "--image <file>",
      "input image: text rows of '#' (black) and '.' (white), PBM (P1/P4), plain PGM (P2) or JSON numbers (black = +1, white = −1)",
    )
    .option("-o, --output <array.json>", "array file to write (default: stdout)")
    .option(
      "--T <tau>",
      "transient length stored in the file, in units of τ (default: the template's settle time)",
      positiveNumber,
    )
    .option(
      "--threshold <z>",
      "THRESHOLD: the gray level z* separating black from white (default 0)",
      finiteNumber,
    )
    .option("--D <d>", "HEAT: diffusion coefficient D in (0, 0.25] (default 0.1)", positiveNumber)
    .option(
      "--memristor <model>",
      "make an M-CellNN: a memristor of this model in parallel with each cell (see `cellspice models`)",
    )
    .option(
      "--param <name=value>",
      "memristor parameter override in SI units (repeatable)",
      paramPair,
    )
    .option("--w0 <w>", "initial memristor state w(0) of every cell (default 0.1)", positiveNumber)
    .option("--tau <s>", "physical scale τ = R·C in seconds, or with a unit: 1ms (default 1e-3)")
    .option(
      "--vs <V>",
      "physical scale V_s, volts per unit of x, or with a unit: 200mV (default 0.5)",
    )
    .option(
      "--r <ohm>",
      "physical scale R, the cell resistor in ohms, or with a unit: 1kohm (default 100)",
    )
    .addHelpText(
      "after",
      `
Examples:
  cellspice templates                       # the library as a table
  cellspice templates --json
  cellspice templates edge --image square.txt -o edge.json
  cellspice templates edge --image square.txt --memristor strachan-taox --vs 0.2 -o medge.json

square.txt:
  ......
  .####.
  .####.
  ......`,
    )
    .action(
      act<Flags>(async ([name], flags, ctx) => {
        if (name === undefined) {
          if (flags.image || flags.output)
            throw new UsageError("--image and -o need a template name");
          const list = CLASSIC_NAMES.map((n) => classicTemplate(n));
          ctx.out(flags.json ? readableJson(list) : libraryTable(list));
          return;
        }
        const template = classicTemplate(name, { threshold: flags.threshold, D: flags.D });
        if (!flags.image) {
          ctx.out(flags.json ? readableJson(template) : describeTemplate(template));
          return;
        }
        const image = await readImage(flags.image);
        const array = await withOptions(classicArray(template, image), flags);
        const text = `${readableJson(arrayToObject(array, { T: flags.T ?? template.settleTime }))}\n`;
        if (flags.output === undefined) {
          ctx.out(text);
          return;
        }
        await writeOutput(flags.output, text, [flags.image]);
        ctx.progress(
          `wrote ${flags.output}: ${template.name} on a ${image.rows}×${image.cols} image${array.memristor ? ` with ${array.memristor.model.name} memristors` : ""}, T = ${flags.T ?? template.settleTime} τ`,
        );
      }),
    );
}

async function readImage(path: string) {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (e) {
    throw new FileError(path, "read", (e as Error).message);
  }
  try {
    return parseImage(bytes, "image");
  } catch (e) {
    throw attachSource(e, path);
  }
}

async function withOptions(base: CellArray, f: Flags): Promise<CellArray> {
  const scales: PhysicalScales = {
    tau: f.tau === undefined ? base.scales.tau : await positiveQuantity(f.tau, "s", "--tau"),
    Vs: f.vs === undefined ? base.scales.Vs : await positiveQuantity(f.vs, "V", "--vs"),
    R: f.r === undefined ? base.scales.R : await positiveQuantity(f.r, "ohm", "--r"),
  };
  if (f.memristor === undefined && (f.param || f.w0 !== undefined)) {
    throw new UsageError("--param and --w0 need --memristor <model>");
  }
  const cells = base.channels * base.rows * base.cols;
  return validateCellArray({
    ...base,
    scales,
    memristor:
      f.memristor === undefined
        ? undefined
        : {
            model: createMemristor(f.memristor, f.param),
            w0: new Float64Array(cells).fill(f.w0 ?? 0.1),
            voltage: "x",
          },
  });
}

function libraryTable(list: ClassicTemplate[]): string {
  const rows = list.map((t) => [
    t.name,
    t.title,
    boundaryText(t),
    t.initialState,
    `${t.settleTime} τ`,
    t.expected,
  ]);
  const sources = list.map((t) => `  ${t.name}: ${t.source}`);
  return `${formatTable(["name", "title", "boundary", "x(0)", "settle", "expected behaviour"], rows)}\n\nSources:\n${sources.join("\n")}`;
}

function describeTemplate(t: ClassicTemplate): string {
  const m = (rows: number[][]) =>
    rows.map((r) => `    [${r.map((v) => String(v).padStart(4)).join(" ")} ]`).join("\n");
  return [
    `${t.name}: ${t.title}`,
    `  A =\n${m(t.A)}`,
    `  B =\n${m(t.B)}`,
    `  z = ${t.z}`,
    `  boundary: ${boundaryText(t)}`,
    `  x(0): ${t.initialState}`,
    `  settle time: ${t.settleTime} τ`,
    `  expected: ${t.expected}`,
    `  source: ${t.source}`,
  ].join("\n");
}

function boundaryText(t: ClassicTemplate): string {
  const b = t.boundary;
  return b.kind === "fixed" ? `fixed y=${b.y} u=${b.u}` : b.kind;
}
