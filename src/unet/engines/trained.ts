import type { LayerEngine } from "../layerEngine.js";
import { integrateTrained } from "../trainedIntegration.js";
import { runBatch } from "./batch.js";

/**
 * The layer as it was trained: the fixed-step solver of its manifest entry (euler | rk4,
 * `steps` steps over [0, T]), float64 — parity with PyTorch's golden data.
 */
export function trainedEngine(): LayerEngine {
  return {
    name: "trained",
    describe: () => ({
      engine: "trained",
      solver: "each layer's manifest solver (cell.solver: method, steps over [0, T])",
      precision: "float64",
    }),
    run: (layer, u, shape, options = {}) =>
      runBatch(layer, u, shape, options, (system, y0) =>
        integrateTrained(system, y0, layer.spec.cell, `layers.${layer.spec.name}.cell.solver`),
      ),
  };
}
