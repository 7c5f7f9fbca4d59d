import { applyOutputInto } from "../../cells/output.js";
import type { CellArray } from "../../cells/spec.js";
import { type CellSystem, type CellSystemOptions, createCellSystem } from "../../cells/system.js";
import { ValidationError } from "../../core/errors.js";
import type { OdeSystem } from "../../solvers/types.js";
import { batchElementArray } from "../cellArray.js";
import type { BatchShape, LayerResult, LayerRunOptions, TrainedCellLayer } from "../layerEngine.js";

/**
 * Integrates one batch element's system from its initial state (`initial()`, a new array: a
 * solver that sets up its own, as the trained engine's fused path does, need not make it) to T;
 * returns the final state. `element` gives the unwatched cell system and the interrupt check,
 * for a solver that does not go through `system.rhs` (the fused path).
 */
export type SolveElement = (
  system: OdeSystem,
  initial: () => Float64Array,
  array: CellArray,
  element: { cellSystem: CellSystem; checkInterrupt?: () => void },
) => Float64Array;

/**
 * A layer on a batch, element by element (they are independent arrays): each element is the
 * array `layerArray` builds for its input, integrated by `solveElement`. checkInterrupt runs
 * before every element and before every right-hand-side evaluation (so inside a solve too).
 */
export function runBatch(
  layer: TrainedCellLayer,
  u: Float64Array,
  shape: BatchShape,
  options: LayerRunOptions,
  solveElement: SolveElement,
  systemOptions: CellSystemOptions = {},
): LayerResult {
  const { spec } = layer;
  const { batch, channels, rows, cols } = shape;
  if (channels !== spec.c_in)
    throw new ValidationError(
      `layers.${spec.name}.input`,
      `has ${channels} channels`,
      `${spec.c_in} (c_in of ${spec.name})`,
    );
  if (u.length !== batch * channels * rows * cols)
    throw new ValidationError(
      `layers.${spec.name}.input`,
      `has ${u.length} values`,
      `batch×C_in×H×W = ${batch}×${channels}×${rows}×${cols}`,
    );
  const n = spec.c_out * rows * cols;
  const y = new Float64Array(batch * n);
  const keep = options.keepStates === true;
  const x = keep ? new Float64Array(batch * n) : undefined;
  const memristive = Boolean(spec.cell.memristor && spec.cell.memristor.enabled !== false);
  const w = keep && memristive ? new Float64Array(batch * n) : undefined;
  const check = options.checkInterrupt;
  let first: CellArray | undefined;
  for (let k = 0; k < batch; k++) {
    check?.();
    const array = batchElementArray(layer, u, shape, k, first);
    first ??= array;
    const system: CellSystem = createCellSystem(array, systemOptions);
    const watched: OdeSystem = check
      ? {
          dim: system.dim,
          rhs: (t, s, ds) => {
            check();
            system.rhs(t, s, ds);
          },
          jacobian: system.jacobian ? (t, s) => system.jacobian!(t, s) : undefined,
        }
      : system;
    const state = solveElement(watched, () => system.initialState(), array, {
      cellSystem: system,
      checkInterrupt: check,
    });
    const xT = state.subarray(0, n);
    applyOutputInto(array.output, xT, y.subarray(k * n, (k + 1) * n));
    x?.set(xT, k * n);
    w?.set(state.subarray(n, 2 * n), k * n);
  }
  return { y, x, w };
}
