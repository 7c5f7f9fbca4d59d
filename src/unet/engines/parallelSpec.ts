import type { LayerEngine } from "../layerEngine.js";
import { type CellEngineOptions, cellEngine } from "./cell.js";
import { type TrainedEngineOptions, trainedEngine } from "./trained.js";

/**
 * A layer engine described as data, so that a worker thread can build the same engine as the
 * thread that asked for it (structured-clone-able: no functions, no classes).
 *
 *   trained  trainedEngine()
 *   cell     cellEngine(options): rtol, atol, method
 *   module   `export` of the ES module at `module` (a file URL), called with `args`; it must
 *            return a LayerEngine. This is how an engine of a module that src/unet may not
 *            import reaches the workers, e.g. the hardware circuit engine:
 *            { kind: "module", module: <URL of src/hardware/circuitEngine>, export: "circuitEngine",
 *              args: [profile, { mismatchSeed, rtol, atol }] }
 *            (its realised mismatch depends on the layer, the cell and the seed, not on the batch
 *            element, so every slice of a batch sees the same circuit).
 */
export type EngineSpec =
  | { readonly kind: "trained"; readonly options?: TrainedEngineOptions }
  | { readonly kind: "cell"; readonly options?: CellEngineOptions }
  | {
      readonly kind: "module";
      readonly module: string;
      readonly export: string;
      readonly args: readonly unknown[];
    };

/** The engine of a built-in spec, built here (validates its options at once); else undefined. */
export function builtinEngine(spec: EngineSpec): LayerEngine | undefined {
  switch (spec.kind) {
    case "trained":
      return trainedEngine(spec.options);
    case "cell":
      return cellEngine(spec.options);
    default:
      return undefined;
  }
}

/** The engine a spec describes (in a worker thread: imports a module spec's module). */
export async function engineFromSpec(spec: EngineSpec): Promise<LayerEngine> {
  const builtin = builtinEngine(spec);
  if (builtin) return builtin;
  if (spec.kind !== "module") throw new TypeError(`unknown engine spec ${JSON.stringify(spec)}`);
  const mod = (await import(spec.module)) as Record<string, unknown>;
  const factory = mod[spec.export];
  if (typeof factory !== "function")
    throw new TypeError(`${spec.module} has no function export ${JSON.stringify(spec.export)}`);
  const engine = (factory as (...a: unknown[]) => LayerEngine)(...spec.args);
  if (typeof engine?.run !== "function" || typeof engine.describe !== "function")
    throw new TypeError(`${spec.module} ${spec.export}(…) did not return a layer engine`);
  return engine;
}
