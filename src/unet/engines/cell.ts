import type { SystemPrecision } from "../../cells/system.js";
import { ValidationError } from "../../core/errors.js";
import { defaultMethod } from "../../engines/typescript.js";
import { solve } from "../../solvers/solve.js";
import type { SolverMethod } from "../../solvers/types.js";
import type { LayerEngine } from "../layerEngine.js";
import { runBatch, type SolveElement } from "./batch.js";
import { fusedDopri5 } from "./fusedAdaptive.js";
import { fusedReuse } from "./fusedFixedStep.js";

export interface CellEngineOptions {
  /** Relative tolerance of the adaptive solver (default 1e-6). */
  readonly rtol?: number;
  /** Absolute tolerance (default 1e-8). */
  readonly atol?: number;
  /**
   * Solver; default per layer `defaultMethod` of src/engines/typescript.ts: Dormand–Prince 5(4),
   * TR-BDF2 ("implicit") where the memristor dominates the cell.
   */
  readonly method?: Extract<SolverMethod, "dopri5" | "odex" | "implicit">;
  /**
   * `float64` (default) or `float32`: A ⋆ f(x) summed in float32 by the f32x4 kernel, the rest
   * float64 (CellSystemOptions; 3×3 A, WebAssembly SIMD).
   */
  readonly precision?: SystemPrecision;
  /**
   * `fused` (default): DOPRI5 on 3×3 arrays with the working set in the kernels' memory
   * (fusedDopri5; in float64 the same bits as `reference`); `reference`: createCellSystem +
   * solve for every element.
   */
  readonly path?: "fused" | "reference";
}

const ADAPTIVE = ["dopri5", "odex", "implicit"];

/**
 * The continuous cell: each layer's ODE integrated over [0, T] by cellspice's adaptive solvers
 * at a stated tolerance — what an ideal circuit computes, not the discretisation the layer was
 * trained with.
 */
export function cellEngine(options: CellEngineOptions = {}): LayerEngine {
  const rtol = options.rtol ?? 1e-6;
  const atol = options.atol ?? 1e-8;
  if (!(rtol > 0 && rtol < 1))
    throw new ValidationError("rtol", `got ${rtol}`, "a relative tolerance in (0, 1)");
  if (!(atol > 0 && Number.isFinite(atol)))
    throw new ValidationError("atol", `got ${atol}`, "an absolute tolerance > 0");
  if (options.method !== undefined && !ADAPTIVE.includes(options.method))
    throw new ValidationError(
      "method",
      `got ${JSON.stringify(options.method)}`,
      ADAPTIVE.join(", "),
    );
  const path = options.path ?? "fused";
  if (path !== "fused" && path !== "reference")
    throw new ValidationError("path", `got ${JSON.stringify(path)}`, "fused | reference");
  const precision = options.precision ?? "float64";
  if (!["float64", "float32"].includes(precision))
    throw new ValidationError("precision", `got ${JSON.stringify(precision)}`, "float64 | float32");
  return {
    name: "cell",
    describe: () => ({
      engine: "cell",
      method:
        options.method ?? "per layer: dopri5, implicit (TR-BDF2) where the memristor dominates",
      rtol,
      atol,
      precision:
        precision === "float32"
          ? "float32 correlation (fused DOPRI5: Winograd F(2x2,3x3) on even fields with channels in fours, else f32x4 taps; otherwise f32x4 taps), float64 state and solver"
          : "float64",
      path,
    }),
    run: (layer, u, shape, runOptions = {}) =>
      runBatch(
        layer,
        u,
        shape,
        runOptions,
        continuousCell(layer.spec.cell.T, {
          rtol,
          atol,
          method: options.method,
          precision,
          fused: path === "fused",
        }),
        { precision },
      ),
  };
}

/**
 * The cell engine's integration of one element over [0, T]: `method` (default per array:
 * `defaultMethod`) at rtol/atol, the state at T. DOPRI5 on a 3×3 array takes the fused path
 * (fusedDopri5: the working set in the kernels' memory; in float64 the same bits as solving the
 * element's system, which the scalar kernel and other methods do). Exported so that another
 * engine (the hardware circuit engine) can integrate its own arrays by exactly the same code.
 */
export function continuousCell(
  T: number,
  o: {
    rtol: number;
    atol: number;
    method?: CellEngineOptions["method"];
    precision?: SystemPrecision;
    /** Take fusedDopri5 where it applies (default true). */
    fused?: boolean;
  },
): SolveElement {
  const reuse = fusedReuse();
  return (system, initial, array, element) => {
    const method = o.method ?? defaultMethod(array);
    if (method === "dopri5" && o.fused !== false) {
      const state = fusedDopri5(
        element.cellSystem,
        array,
        T,
        o,
        element.checkInterrupt,
        o.precision ?? "float64",
        reuse,
      );
      if (state !== null) return state;
    }
    const r = solve(system, {
      method,
      t0: 0,
      t1: T,
      y0: initial(),
      tEval: [T],
      rtol: o.rtol,
      atol: o.atol,
    });
    return r.y.subarray(r.y.length - r.dim);
  };
}
