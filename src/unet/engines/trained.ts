import { ValidationError } from "../../core/errors.js";
import { EULER, RK4 } from "../../solvers/fixedStep.js";
import type { LayerEngine } from "../layerEngine.js";
import { integrateTrained, type TrainedCellSettings } from "../trainedIntegration.js";
import { runBatch, type SolveElement } from "./batch.js";
import {
  type FusedPrecision,
  float32Available,
  fusedFixedStep,
  fusedReuse,
} from "./fusedFixedStep.js";

export interface TrainedEngineOptions {
  /**
   * `fused` (default): the fixed-step solve without the general solver's overhead, operands in
   * the WebAssembly kernels' memory (fusedFixedStep); `reference`: createCellSystem + solve.
   * Both give the same bits.
   */
  readonly path?: "fused" | "reference";
  /**
   * `float64` (default): parity with PyTorch's float64 golden data, the reference's bits.
   * `float32` (fused path, WebAssembly SIMD): the correlation A ⋆ f(x) in float32 (f32x4), the
   * state, the memristor and the solver in float64 (FusedPrecision; errors in docs/unet.md).
   */
  readonly precision?: FusedPrecision;
}

const PATHS = ["fused", "reference"];
const PRECISIONS = ["float64", "float32"];

/**
 * The layer as it was trained: the fixed-step solver of its manifest entry (euler | rk4,
 * `steps` steps over [0, T]), float64 — parity with PyTorch's golden data.
 */
export function trainedEngine(options: TrainedEngineOptions = {}): LayerEngine {
  const path = options.path ?? "fused";
  if (!PATHS.includes(path))
    throw new ValidationError("path", `got ${JSON.stringify(path)}`, PATHS.join(" | "));
  const precision = options.precision ?? "float64";
  if (!PRECISIONS.includes(precision))
    throw new ValidationError(
      "precision",
      `got ${JSON.stringify(precision)}`,
      PRECISIONS.join(" | "),
    );
  if (precision === "float32" && path !== "fused")
    throw new ValidationError("precision", 'is "float32" on the reference path', '"float64"');
  if (precision === "float32" && !float32Available())
    throw new ValidationError(
      "precision",
      'is "float32" but this JavaScript engine has no WebAssembly SIMD',
      '"float64"',
    );
  return {
    name: "trained",
    describe: () => ({
      engine: "trained",
      solver: "each layer's manifest solver (cell.solver: method, steps over [0, T])",
      precision:
        precision === "float32"
          ? "float32 correlation (Winograd F(2x2,3x3), B*u too, on even fields with channels in fours; else f32x4 taps), float64 state, memristor and solver"
          : "float64",
      path,
    }),
    run: (layer, u, shape, runOptions = {}) => {
      const { cell, name } = layer.spec;
      const field = `layers.${name}.cell.solver`;
      const solveElement: SolveElement =
        path === "fused"
          ? fusedTrained(cell, field, precision)
          : (system, initial) => integrateTrained(system, initial(), cell, field);
      return runBatch(layer, u, shape, runOptions, solveElement);
    },
  };
}

/**
 * The fused fixed-step solve of a layer's manifest solver; a solver spec the fused path does not
 * take (or an invalid one) goes to integrateTrained, which integrates it or names the field.
 */
function fusedTrained(
  cell: TrainedCellSettings,
  field: string,
  precision: FusedPrecision,
): SolveElement {
  const reuse = fusedReuse();
  return (system, initial, array, element) => {
    const { method, steps } = cell.solver;
    const tableau = method === "euler" ? EULER : method === "rk4" ? RK4 : undefined;
    const valid =
      tableau !== undefined &&
      Number.isInteger(steps) &&
      steps > 0 &&
      cell.T > 0 &&
      Number.isFinite(cell.T);
    const state = valid
      ? fusedFixedStep(
          element.cellSystem,
          array,
          tableau,
          cell.T,
          cell.T / steps,
          element.checkInterrupt,
          precision,
          reuse,
        )
      : null;
    return state ?? integrateTrained(system, initial(), cell, field);
  };
}
