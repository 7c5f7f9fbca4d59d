import { ValidationError } from "../../core/errors.js";
import { EULER, RK4 } from "../../solvers/fixedStep.js";
import type { LayerEngine } from "../layerEngine.js";
import { integrateTrained, type TrainedCellSettings } from "../trainedIntegration.js";
import { runBatch, type SolveElement } from "./batch.js";
import { fusedFixedStep } from "./fusedFixedStep.js";

export interface TrainedEngineOptions {
  /**
   * `fused` (default): the fixed-step solve without the general solver's overhead, operands in
   * the WebAssembly kernels' memory (fusedFixedStep); `reference`: createCellSystem + solve.
   * Both give the same bits.
   */
  readonly path?: "fused" | "reference";
}

const PATHS = ["fused", "reference"];

/**
 * The layer as it was trained: the fixed-step solver of its manifest entry (euler | rk4,
 * `steps` steps over [0, T]), float64 — parity with PyTorch's golden data.
 */
export function trainedEngine(options: TrainedEngineOptions = {}): LayerEngine {
  const path = options.path ?? "fused";
  if (!PATHS.includes(path))
    throw new ValidationError("path", `got ${JSON.stringify(path)}`, PATHS.join(" | "));
  return {
    name: "trained",
    describe: () => ({
      engine: "trained",
      solver: "each layer's manifest solver (cell.solver: method, steps over [0, T])",
      precision: "float64",
      path,
    }),
    run: (layer, u, shape, runOptions = {}) => {
      const { cell, name } = layer.spec;
      const field = `layers.${name}.cell.solver`;
      const solveElement: SolveElement =
        path === "fused"
          ? fusedTrained(cell, field)
          : (system, y0) => integrateTrained(system, y0, cell, field);
      return runBatch(layer, u, shape, runOptions, solveElement);
    },
  };
}

/**
 * The fused fixed-step solve of a layer's manifest solver; a solver spec the fused path does not
 * take (or an invalid one) goes to integrateTrained, which integrates it or names the field.
 */
function fusedTrained(cell: TrainedCellSettings, field: string): SolveElement {
  return (system, y0, array, element) => {
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
        )
      : null;
    return state ?? integrateTrained(system, y0, cell, field);
  };
}
