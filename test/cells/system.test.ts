import { describe, it } from "vitest";
import { type Boundary, sourceIndex } from "../../src/cells/boundary.js";
import { applyOutput } from "../../src/cells/output.js";
import type { CellArray } from "../../src/cells/spec.js";
import { createCellSystem } from "../../src/cells/system.js";
import { templateAt } from "../../src/cells/template.js";
import { randomArray } from "../support/arrays.js";
import { expectAllClose } from "../support/assert.js";
import { expectJacobianMatchesDifferences } from "../support/jacobian.js";

/** The CellNN right-hand side written cell by cell, straight from DESIGN.md 1. */
function naiveRhs(a: CellArray, x: Float64Array): Float64Array {
  const { channels, inputChannels, rows, cols, boundary } = a;
  const value = (
    field: Float64Array,
    c: number,
    i: number,
    j: number,
    fixed: number,
    f: (v: number) => number,
  ) => {
    const si = sourceIndex(boundary, i, rows);
    const sj = sourceIndex(boundary, j, cols);
    if (si < 0 || sj < 0) return fixed;
    return f(field[(c * rows + si) * cols + sj]);
  };
  const fy = boundary.kind === "fixed" ? boundary.y : 0;
  const fu = boundary.kind === "fixed" ? boundary.u : 0;
  const out = new Float64Array(x.length);
  for (let c = 0; c < channels; c++) {
    for (let i = 0; i < rows; i++) {
      for (let j = 0; j < cols; j++) {
        let s = -x[(c * rows + i) * cols + j] + a.z[c];
        const rA = (a.A.size - 1) / 2;
        for (let c2 = 0; c2 < channels; c2++)
          for (let k = 0; k < a.A.size; k++)
            for (let l = 0; l < a.A.size; l++)
              s +=
                templateAt(a.A, c, c2, k, l) *
                value(x, c2, i + k - rA, j + l - rA, fy, (v) => applyOutput(a.output, v));
        const rB = (a.B.size - 1) / 2;
        for (let c2 = 0; c2 < inputChannels; c2++)
          for (let k = 0; k < a.B.size; k++)
            for (let l = 0; l < a.B.size; l++)
              s +=
                templateAt(a.B, c, c2, k, l) *
                value(a.input, c2, i + k - rB, j + l - rB, fu, (v) => v);
        out[(c * rows + i) * cols + j] = s;
      }
    }
  }
  return out;
}

const BOUNDARIES: Boundary[] = [
  { kind: "fixed", y: 0, u: 0 },
  { kind: "fixed", y: -1, u: 0.5 },
  { kind: "zero-flux" },
  { kind: "periodic" },
];

describe("createCellSystem(array).rhs", () => {
  for (const boundary of BOUNDARIES) {
    for (const size of [1, 3, 5]) {
      it(`matches the cell-by-cell equation (${JSON.stringify(boundary)}, ${size}×${size} templates, 3→2 channels)`, () => {
        const a = randomArray({
          seed: 7 + size,
          channels: 2,
          inputChannels: 3,
          rows: 6,
          cols: 7,
          size,
          boundary,
          scaleA: 1.2,
        });
        const sys = createCellSystem(a);
        const x = a.x0.map((v, k) => 2.5 * v + 0.1 * Math.sin(k)); // reach both saturated and linear regions
        const dx = new Float64Array(sys.dim);
        sys.rhs(0, x, dx);
        expectAllClose(dx, naiveRhs(a, x), 1e-12, "rhs");
      });
    }
  }

  it("computes B ⋆ u + z once: it equals the rhs at x = 0 with A = 0", () => {
    const a = randomArray({ seed: 3, channels: 3, rows: 5, cols: 5 });
    const sys = createCellSystem({ ...a, A: { ...a.A, data: new Float64Array(a.A.data.length) } });
    const dx = new Float64Array(sys.dim);
    sys.rhs(0, new Float64Array(sys.dim), dx);
    expectAllClose(dx, sys.constantInput, 0, "B⋆u + z");
  });
});

describe("createCellSystem(array).jacobian", () => {
  for (const boundary of BOUNDARIES) {
    it(`agrees with central differences (${boundary.kind})`, () => {
      const a = randomArray({ seed: 11, channels: 2, rows: 4, cols: 5, boundary });
      const sys = createCellSystem(a);
      const x = a.x0.map((v, k) => 3 * v + 0.05 * (k % 3)); // avoid sitting exactly on a kink
      expectJacobianMatchesDifferences(sys, x, 1e-6);
    });
  }
});
