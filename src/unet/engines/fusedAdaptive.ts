import type { CellArray } from "../../cells/spec.js";
import type { CellSystem } from "../../cells/system.js";
import { solve } from "../../solvers/solve.js";
import type { OdeSystem } from "../../solvers/types.js";
import { type FusedPrecision, type FusedReuse, fusedCell } from "./fusedFixedStep.js";

/** DOPRI5's work vectors: 7 stages, y, yNew, yStage, the error and 4 of dense output. */
const DOPRI5_VECTORS = 15;

/**
 * The cell engine's DOPRI5 solve of one cell array over [0, t1] at rtol/atol, with its working
 * set in the kernels' own memory (fusedCell, the trained engine's fused right-hand side): the
 * solver's 15 vectors are views of that memory (OdeSystem.workVectors), so every right-hand
 * side reads the state and writes the derivative in place, and the stage sums run there too.
 * The step control is solveDopri5's own code, and in float64 the right-hand side and the sums
 * are the reference's bits, so the result is that of `solve(createCellSystem(array), dopri5)`
 * bit for bit (test/unet/fusedAdaptive.test.ts). float32 is the fused path's float32 (Winograd
 * where it applies). Returns the state at t1, or null where the fused path does not apply (the
 * scalar kernel, templates other than 3×3 A with B at most 3×3): the caller then solves the
 * system itself.
 */
export function fusedDopri5(
  system: CellSystem,
  array: CellArray,
  t1: number,
  tolerance: { readonly rtol: number; readonly atol: number },
  check?: () => void,
  precision: FusedPrecision = "float64",
  reuse?: FusedReuse,
): Float64Array | null {
  // Two more vectors take a state and a derivative that arrive from outside the memory.
  const fused = fusedCell(
    system,
    array,
    { stages: 7, extra: DOPRI5_VECTORS - 10 + 2 },
    check,
    precision,
    reuse,
  );
  if (fused === null || !fused.inModule) return null;
  const dim = system.dim;
  const vectors = [...fused.k, fused.y, fused.yNew, fused.yStage, ...fused.extra];
  const [stateIn, derivativeOut] = vectors.slice(DOPRI5_VECTORS);
  const buffer = fused.y.buffer;
  const ode: OdeSystem = {
    dim,
    rhs: (_t, state, out) => {
      if (state.buffer === buffer && out.buffer === buffer) {
        fused.rhs(state, out);
        return;
      }
      stateIn.set(state);
      fused.rhs(stateIn, derivativeOut);
      out.set(derivativeOut);
    },
    workVectors: (count, length) =>
      count <= DOPRI5_VECTORS && length === dim
        ? {
            vectors: vectors.slice(0, count),
            kind: "wasm",
            combine: fused.sum,
            release: () => {},
          }
        : null,
  };
  const r = solve(ode, {
    method: "dopri5",
    t0: 0,
    t1,
    y0: system.initialState(),
    tEval: [t1],
    rtol: tolerance.rtol,
    atol: tolerance.atol,
  });
  return r.y.subarray(r.y.length - r.dim);
}
