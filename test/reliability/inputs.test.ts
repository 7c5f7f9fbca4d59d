/**
 * What a careless user types, through the real CLI: arrays too large to allocate, values beyond
 * double-precision SPICE, unknown or mistyped fields, elements of the wrong type, any T, and
 * `-o` / `--out-dir` at links, FIFOs, directories and paths through a file. Each case checks the
 * exit code, that the message names the field (and the limit and its option), that nothing is
 * left in the private TMPDIR and that the user's files are unchanged.
 */
import {
  existsSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseArrayJson } from "../../src/cells/io.js";
import { checkFiniteTrajectory, memristorBoundWarnings } from "../../src/cli/resultChecks.js";
import type { ArrayTrajectory } from "../../src/engines/trajectory.js";
import { buildOnce } from "../cli/cli.js";
import {
  cellspice,
  EDGE_ARRAY,
  eventually,
  fakeNgspice,
  leftoverTemp,
  markedProcesses,
  type Sandbox,
  sandbox,
  temporarySiblings,
} from "./harness.js";

let box: Sandbox;
const OLD = "old content kept\n";

beforeAll(async () => {
  await buildOnce();
  box = sandbox();
});
afterAll(() => box.remove());

/** Runs `simulate` on `doc` (an array file) onto an existing output; returns the result. */
async function simulate(doc: unknown, extra: string[] = []) {
  const file = box.file("case.json", JSON.stringify(doc));
  const output = box.file("out.csv", OLD);
  const r = await cellspice(box, ["simulate", file, "-o", output, ...extra]);
  expect(readFileSync(output, "utf8")).toBe(OLD);
  expect(leftoverTemp(box)).toEqual([]);
  return r;
}

describe("size limits, checked before allocating", () => {
  it("rows = cols = 1e5 → exit 3 naming rows, the limit and --max-cells (not an allocation failure)", async () => {
    const r = await simulate({ ...EDGE_ARRAY, rows: 100_000, cols: 100_000, input: 0 });
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(
      /rows: channels×rows×cols = 1×100000×100000 = 10000000000 cells is too large/,
    );
    expect(r.stderr).toMatch(/at most 250000 cells \(raise it with --max-cells N/);
  });

  it("2000×2000 → exit 3 at once; --max-cells lowers or raises the limit", async () => {
    const r = await simulate({ ...EDGE_ARRAY, rows: 2000, cols: 2000, input: 0 });
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/4000000 cells is too large/);
    const small = await simulate(EDGE_ARRAY, ["--max-cells", "4"]);
    expect(small.code).toBe(3);
    expect(small.stderr).toMatch(
      /9 cells is too large[\s\S]*at most 4 cells \(raise it with --max-cells/,
    );
  });

  it("simulation.points = 1e9 → exit 3 naming simulation.points and --max-points", async () => {
    const r = await simulate({ ...EDGE_ARRAY, simulation: { T: 1, points: 1e9 } });
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/simulation\.points: 1000000000 points is too many/);
    expect(r.stderr).toMatch(/--max-points N/);
  });

  it("a waveform table beyond --max-values → exit 3 naming it", async () => {
    const r = await simulate(EDGE_ARRAY, ["--points", "1000", "--max-values", "5000"]);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/--points: 1000 points × 9 signals = 9009 values .* is too many/);
    expect(r.stderr).toMatch(/--max-values N/);
  });
});

describe("values and fields", () => {
  it("a template coefficient of 1e308 → exit 3 with the range SPICE simulates faithfully", async () => {
    const A = [
      [0, 0, 0],
      [0, 1e308, 0],
      [0, 0, 0],
    ];
    const r = await simulate({ ...EDGE_ARRAY, templates: { ...EDGE_ARRAY.templates, A } });
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/field: templates\.A\[1\]\[1\]/);
    expect(r.stderr).toMatch(/a magnitude of at most 1000000/);
  });

  it.each([
    [{ temlpates: EDGE_ARRAY.templates }, "temlpates", "templates"],
    [{ scales: { tua: 1e-3 } }, "scales.tua", "tau"],
    [{ boundary: { kind: "fixed", Y: 0 } }, "boundary.Y", "y"],
  ])("an unknown field %j → exit 3 with a did-you-mean", async (patch, field, guess) => {
    const doc: Record<string, unknown> = { ...EDGE_ARRAY, ...patch };
    if ("temlpates" in patch) delete doc.templates;
    const r = await simulate(doc);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain(`field: ${field}`);
    expect(r.stderr).toContain(`(did you mean "${guess}"?)`);
  });

  it("a string, null or 1e400 inside a template, or a string inside input, is named with its type", () => {
    const cases: [string, string, RegExp][] = [
      ['"x"', "templates.A[1][1]", /got "x" \(a string\)/],
      ["null", "templates.A[1][1]", /got null/],
      ["1e400", "templates.A[1][1]", /got Infinity \(out of float64's range\)/],
    ];
    for (const [value, field, problem] of cases) {
      const text = JSON.stringify(EDGE_ARRAY).replace(
        '"A":[[0,0,0],[0,1,0]',
        `"A":[[0,0,0],[0,${value},0]`,
      );
      expect(() => parseArrayJson(text)).toThrow(problem);
      expect(() => parseArrayJson(text)).toThrow(
        new RegExp(`^${field.replace(/[[\].]/g, "\\$&")}: `),
      );
    }
    const input = JSON.stringify({
      ...EDGE_ARRAY,
      input: [
        [-1, -1, -1],
        [-1, 1, "u"],
        [-1, -1, -1],
      ],
    });
    expect(() => parseArrayJson(input)).toThrow(/^input\[1\]\[2\]: got "u" \(a string\)/);
  });

  it('initialState "random" lists every valid word; a leaky output without alpha is refused', () => {
    expect(() => parseArrayJson(JSON.stringify({ ...EDGE_ARRAY, initialState: "random" }))).toThrow(
      /valid: "zero", "ones", "input" .*a number or a channels×rows×cols field/,
    );
    expect(() =>
      parseArrayJson(JSON.stringify({ ...EDGE_ARRAY, output: { kind: "leaky" } })),
    ).toThrow(/^output\.alpha: missing/);
  });

  it("a result holding NaN or ±Infinity names the first bad cell and time; w out of bounds is a warning", () => {
    const { array } = parseArrayJson(JSON.stringify(EDGE_ARRAY));
    const x = new Float64Array(2 * 9);
    x[9 + 5] = Number.NaN;
    const tr: ArrayTrajectory = {
      engine: "cellspice",
      t: Float64Array.of(0, 1),
      cells: 9,
      x,
      info: {},
      wallTimeMs: 0,
    };
    expect(() => checkFiniteTrajectory(array, tr)).toThrow(
      /holds NaN in x_0_1_2 of cell \(0, 1, 2\) at t = 1 τ/,
    );
    const { array: m } = parseArrayJson(
      JSON.stringify({ ...EDGE_ARRAY, memristor: { model: "strachan-taox", w0: 0.1 } }),
    );
    const w = new Float64Array(18).fill(0.5);
    w[9 + 4] = 1.03;
    const warned = memristorBoundWarnings(m, { ...tr, x: new Float64Array(18), w });
    expect(warned).toHaveLength(1);
    expect(warned[0]).toMatch(/left \[0, 1\].*1\.030.*cell \(0, 1, 1\), t = 1\.000 τ/);
    expect(memristorBoundWarnings(m, { ...tr, x: new Float64Array(18), w: w.fill(0.5) })).toEqual(
      [],
    );
  });

  it("cosim at T = 0.3 (a time that division turns into 0.30000000000000004) runs", async () => {
    const file = box.file("edge.json", JSON.stringify(EDGE_ARRAY));
    const r = await cellspice(box, ["cosim", file, "--T", "0.3", "--out-dir", "t03", "-q"]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/T = 0\.3 τ, \d+ time points: PASS/);
  });
});

describe("-o and --out-dir", () => {
  it("-o afile/x.csv where afile is a file → exit 3 naming it; afile unchanged", async () => {
    const file = box.file("edge.json", JSON.stringify(EDGE_ARRAY));
    const afile = box.file("afile", OLD);
    const r = await cellspice(box, ["simulate", file, "-o", "afile/x.csv"]);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/cannot write afile\/x\.csv: .*afile is a file, not a directory/);
    expect(readFileSync(afile, "utf8")).toBe(OLD);
  });

  it("-o at a directory → exit 3; at a symbolic link → written through, the link kept", async () => {
    const file = box.file("edge.json", JSON.stringify(EDGE_ARRAY));
    mkdirSync(join(box.work, "adir"), { recursive: true });
    const d = await cellspice(box, ["simulate", file, "-o", "adir"]);
    expect(d.code).toBe(3);
    expect(d.stderr).toMatch(/cannot write adir: it is a directory/);
    const target = box.file("target.csv", OLD);
    symlinkSync(target, join(box.work, "link.csv"));
    const l = await cellspice(box, ["simulate", file, "-o", "link.csv", "-q"]);
    expect(l.code).toBe(0);
    expect(lstatSync(join(box.work, "link.csv")).isSymbolicLink()).toBe(true);
    expect(readFileSync(target, "utf8")).toMatch(/^t,x_0_0_0/);
    expect(temporarySiblings(box.work)).toEqual([]);
  });

  it("-o /dev/stdout streams the CSV to stdout (the device is not replaced)", async () => {
    const file = box.file("edge.json", JSON.stringify(EDGE_ARRAY));
    const r = await cellspice(box, ["simulate", file, "-o", "/dev/stdout", "-q"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^t,x_0_0_0,/);
    expect(lstatSync("/dev/stdout").isSymbolicLink()).toBe(true);
  });

  it("cosim into a directory whose waveforms.svg is a directory → exit 3 naming that file; nothing changed", async () => {
    const file = box.file("edge.json", JSON.stringify(EDGE_ARRAY));
    const dir = join(box.work, "report");
    mkdirSync(join(dir, "waveforms.svg"), { recursive: true });
    writeFileSync(join(dir, "cosim.json"), OLD);
    const r = await cellspice(box, ["cosim", file, "--out-dir", "report", "-q"]);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/cannot write report\/waveforms\.svg: it is a directory/);
    expect(readdirSync(dir).sort()).toEqual(["cosim.json", "waveforms.svg"]);
    expect(readFileSync(join(dir, "cosim.json"), "utf8")).toBe(OLD);
    expect(temporarySiblings(box.work)).toEqual([]);
    expect(leftoverTemp(box)).toEqual([]);
  });
});

describe("memristor", () => {
  it("memristor --timeout stops a hung ngspice → exit 4, nothing left", async () => {
    const fake = fakeNgspice(box, "hang", "sleep 1000");
    const r = await cellspice(
      box,
      ["memristor", "--engine", "ngspice", "--timeout", "0.5", "--out-dir", "m"],
      {
        CELLSPICE_NGSPICE: fake,
      },
    );
    expect(r.code).toBe(4);
    expect(r.stderr).toMatch(/ran longer than 500 ms/);
    expect(existsSync(join(box.work, "m"))).toBe(false);
    expect(await eventually(() => markedProcesses(box).length === 0)).toBe(true);
    expect(leftoverTemp(box)).toEqual([]);
  });

  it("the original Strachan model driven at 1.5 V warns that w left [0, 1] (summary and memristor.json)", async () => {
    const r = await cellspice(box, [
      "memristor",
      "--model",
      "strachan-taox",
      "--amplitude",
      "1.5",
      "--engine",
      "ngspice",
      "--out-dir",
      "m15",
    ]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/warning: ngspice: w reached .* outside the model's \[0, 1\]/);
    const summary = JSON.parse(readFileSync(join(box.work, "m15", "memristor.json"), "utf8"));
    expect(summary.warnings).toHaveLength(1);
  });
});
