import { describe, expect, it } from "vitest";
import { arrayFromObject, arrayToObject, parseArrayJson } from "../../src/cells/io.js";
import { createCellSystem } from "../../src/cells/system.js";
import { ValidationError } from "../../src/core/errors.js";
import { simulateTypescript } from "../../src/engines/typescript.js";
import { solve } from "../../src/solvers/solve.js";
import { EDGE_3X3_DOCUMENT } from "../support/arrays.js";

const EDGE = EDGE_3X3_DOCUMENT;

/** Expects a ValidationError whose field and message match. */
function expectInvalid(doc: unknown, field: string | RegExp, valid: RegExp): ValidationError {
  try {
    arrayFromObject(doc);
  } catch (e) {
    expect(e).toBeInstanceOf(ValidationError);
    const v = e as ValidationError;
    if (typeof field === "string") expect(v.field).toBe(field);
    else expect(v.field).toMatch(field);
    expect(v.message).toMatch(valid);
    return v;
  }
  throw new Error("expected a ValidationError");
}

describe("parseArrayJson(text) / arrayFromObject(doc)", () => {
  it("reads a single-channel array written as 2-D lists", () => {
    const { array } = parseArrayJson(JSON.stringify(EDGE));
    expect([array.channels, array.inputChannels, array.rows, array.cols]).toEqual([1, 1, 3, 3]);
    expect(array.A.size).toBe(3);
    expect(array.boundary).toEqual({ kind: "fixed", y: 0, u: -1 });
    expect(Array.from(array.x0)).toEqual(new Array(9).fill(0));
  });

  it("round-trips through arrayToObject, memristor and simulation settings included", () => {
    const doc = {
      ...EDGE,
      channels: 2,
      inputChannels: 1,
      templates: {
        A: [
          [
            [
              [0, 0, 0],
              [0, 1, 0],
              [0, 0, 0],
            ],
            [
              [0, 0.1, 0],
              [0, 0, 0],
              [0, 0, 0],
            ],
          ],
          [
            [
              [0, 0, 0],
              [0, 0.2, 0],
              [0, 0, 0],
            ],
            [
              [0, 0, 0],
              [0, 1.5, 0],
              [0, 0, 0],
            ],
          ],
        ],
        B: [
          [
            [
              [0, 0, 0],
              [0, 1, 0],
              [0, 0, 0],
            ],
          ],
          [
            [
              [1, 0, 0],
              [0, 0, 0],
              [0, 0, -1],
            ],
          ],
        ],
        z: [0.1, -0.2],
      },
      output: { kind: "leaky", alpha: 0.01 },
      initialState: 0.25,
      scales: { tau: 1e-6, Vs: 0.3, R: 1e4 },
      memristor: { model: "strachan-taox-smooth", params: { G_m: 0.02 }, w0: 0.2 },
      simulation: { T: 2, method: "rk4", dt: 0.05 },
    };
    const first = arrayFromObject(doc);
    const again = arrayFromObject(
      JSON.parse(JSON.stringify(arrayToObject(first.array, first.simulation))),
    );
    expect(again.simulation).toEqual({ T: 2, method: "rk4", dt: 0.05 });
    expect(again.array.memristor?.model.params.G_m).toBe(0.02);
    const a = simulateTypescript(first.array, { T: 1, points: 4 });
    const b = simulateTypescript(again.array, { T: 1, points: 4 });
    expect(Array.from(b.x)).toEqual(Array.from(a.x));
    expect(Array.from(b.w ?? [])).toEqual(Array.from(a.w ?? []));
  });

  it("builds an array from a classic template name", () => {
    const { array } = arrayFromObject({
      classic: "hole-fill",
      rows: 2,
      cols: 2,
      input: [
        [1, -1],
        [-1, 1],
      ],
    });
    expect(array.name).toBe("hole-fill");
    expect(Array.from(array.x0)).toEqual([1, 1, 1, 1]);
  });

  it("refuses malformed JSON, naming the source", () => {
    expect(() => parseArrayJson("{ rows: 3 ", "arrays/edge.json")).toThrow(
      /arrays\/edge\.json: malformed JSON/,
    );
  });

  it("refuses an even template size", () => {
    expectInvalid(
      {
        ...EDGE,
        templates: {
          ...EDGE.templates,
          A: [
            [1, 0],
            [0, 1],
          ],
        },
      },
      "templates.A[0][0]",
      /even.*odd size/,
    );
  });

  it("refuses mismatched channels", () => {
    expectInvalid({ ...EDGE, channels: 2, inputChannels: 1 }, "templates.A", /1×1 channels.*2×2/);
    expectInvalid(
      { ...EDGE, templates: { ...EDGE.templates, z: [1, 2] } },
      "templates.z",
      /one bias per channel/,
    );
    expectInvalid(
      {
        ...EDGE,
        input: [
          [1, 2],
          [3, 4],
        ],
      },
      "input",
      /1×3×3/,
    );
  });

  it("refuses an unknown memristor model, listing the valid ones", () => {
    expectInvalid(
      { ...EDGE, memristor: { model: "hp-tio2" } },
      "memristor.model",
      /strachan-taox, strachan-taox-smooth/,
    );
  });

  it("refuses out-of-range memristor parameters and states", () => {
    expectInvalid(
      { ...EDGE, memristor: { model: "strachan-taox", params: { G_m: -1 } } },
      "memristor.params.G_m",
      /S/,
    );
    expectInvalid(
      { ...EDGE, memristor: { model: "strachan-taox-smooth", w0: 2 } },
      /memristor\.w0\[0\]/,
      /a state in/,
    );
  });

  it("refuses unknown boundary and output kinds and bad scales", () => {
    expectInvalid(
      { ...EDGE, boundary: { kind: "mirror" } },
      "boundary.kind",
      /"fixed".*"zero-flux".*"periodic"/,
    );
    expectInvalid({ ...EDGE, output: { kind: "tanh" } }, "output.kind", /"standard" or "leaky"/);
    expectInvalid({ ...EDGE, output: { kind: "leaky", alpha: 1.5 } }, "output.alpha", /\[0, 1\)/);
    expectInvalid({ ...EDGE, scales: { R: -5 } }, "scales.R", /positive/);
    expectInvalid({ ...EDGE, rows: 2.5 }, "rows", /positive integer/);
    expectInvalid({ ...EDGE, simulation: { T: -1 } }, "simulation.T", /positive/);
  });

  it("refuses a negative or reversed simulation time", () => {
    const { array } = parseArrayJson(JSON.stringify(EDGE));
    expect(() => simulateTypescript(array, { T: -1 })).toThrow(
      /T: got -1; valid: a positive transient length/,
    );
    const sys = createCellSystem(array);
    expect(() =>
      solve(sys, { method: "rk4", t0: 1, t1: 0, dt: 0.1, y0: sys.initialState() }),
    ).toThrow(ValidationError);
  });
});
