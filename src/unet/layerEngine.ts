import type { CellLayerSpec } from "../trained/unetExport.js";

/**
 * One cellular layer of a trained UNet, as the export holds it: its manifest entry and its
 * templates (A: C×C×k×k, B: C×C_in×k×k, z: C), in float64.
 */
export interface TrainedCellLayer {
  readonly spec: CellLayerSpec;
  readonly A: Float64Array;
  readonly B: Float64Array;
  readonly z: Float64Array;
}

/** A batch of layer inputs or outputs, NCHW, row-major. */
export interface BatchShape {
  readonly batch: number;
  readonly channels: number;
  readonly rows: number;
  readonly cols: number;
}

/** What a layer engine returns for a batch; x and w only where asked for (parity checks). */
export interface LayerResult {
  /** The layer's output f(x(T)), batch × C × H × W. */
  readonly y: Float64Array;
  /** x(T), when `keepStates` was asked for. */
  readonly x?: Float64Array;
  /** w(T) of an M-CellNN layer, when `keepStates` was asked for. */
  readonly w?: Float64Array;
}

export interface LayerRunOptions {
  /** Return x(T) (and w(T)) as well as the output. */
  readonly keepStates?: boolean;
  /** Checked between solver steps or batch elements; throws (e.g. InterruptedError) to stop. */
  readonly checkInterrupt?: () => void;
}

/**
 * The plug point of hardware-faithful sampling: what computes a cellular layer of the UNet.
 * `trained` is the fixed-step integration the layer was trained with (parity with PyTorch),
 * `cell` the continuous cell at a stated tolerance (what an ideal circuit computes), and the
 * hardware module's circuit engine the layer as mapped onto a circuit with its non-idealities.
 * The UNet forward never knows which one it runs.
 */
export interface LayerEngine {
  /** A short name for summaries ("trained", "cell", "circuit"). */
  readonly name: string;
  /** The engine's settings as they go into summary.json (solver, tolerances, profile, seeds). */
  describe(): Record<string, unknown>;
  /** The layer's output for a batch of inputs u (batch × C_in × H × W). */
  run(
    layer: TrainedCellLayer,
    u: Float64Array,
    shape: BatchShape,
    options?: LayerRunOptions,
  ): LayerResult;
}
