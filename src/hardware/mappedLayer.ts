import type { Boundary } from "../cells/boundary.js";
import type { PhysicalScales } from "../cells/spec.js";
import type { Template } from "../cells/template.js";
import { randomStream } from "../core/counterRandom.js";
import { CellspiceError, ValidationError } from "../core/errors.js";
import { createMemristor } from "../devices/registry.js";
import type { MemristorModel } from "../devices/types.js";
import type { TrainedCellLayer } from "../unet/layerEngine.js";
import type { HardwareProfile } from "./profile.js";
import { type ProgrammedTemplates, programTemplates } from "./programming.js";

/**
 * A trained cellular layer as realised on one circuit (one mismatch seed, one image size): every
 * cell (o, i, j) has its own transconductors, so A and B are stored per cell,
 *
 *   A_cell[o][c][i·W + j][m] = fl32(A_q[o][c][m] · (1 + σ·ε)),   ε ~ N(0, 1)
 *   z_cell[o][i·W + j]       = z_q[o] · (1 + σ·ε) + σ_off·ε'
 *
 * (m the 3×3 tap, A_q the programmed, quantised template; fl32 rounds to the nearest float32, a
 * relative change of at most 6e-8, so that the SIMD correlation streams half the bytes with the
 * same products — src/hardware/correlateVariant.ts), and an M-CellNN cell has its own
 * memristor with its own parameters and w(0). Each draw comes from
 * `randomStream(seed, layer, what…)` at the index of (channel, row, col, coefficient), so the
 * realisation depends only on the seed, the layer and its size — never on batch or order.
 */
export interface MappedLayer {
  readonly name: string;
  readonly channels: number;
  readonly inputChannels: number;
  readonly rows: number;
  readonly cols: number;
  /** Per-cell feedback coefficients, C × C × (H·W) × 9. */
  readonly A: Float64Array;
  /** Per-cell control coefficients, C × C_in × (H·W) × 9. */
  readonly B: Float64Array;
  /** Per-cell bias and offset, C × H·W, in units of V_s/R. */
  readonly z: Float64Array;
  /** The programmed templates (quantised, before mismatch): they decide which taps exist. */
  readonly programmed: { readonly A: Template; readonly B: Template; readonly z: Float64Array };
  readonly grids: ProgrammedTemplates["grids"];
  readonly boundary: Boundary;
  /** Output stage: f(x) = α·x + (1 − α)·clamp(x, −L, L). */
  readonly output: { readonly alpha: number; readonly saturation: number };
  /** 1 where the cell's output is stuck at `stuckOutput`; undefined when no cell is. */
  readonly stuck?: Uint8Array;
  readonly stuckOutput: number;
  /** Trained T and the read-out time T_hw (τ). */
  readonly T: number;
  readonly T_hw: number;
  readonly scales: PhysicalScales;
  readonly memristor?: {
    /** One model per cell (device-to-device variation), or the same model for every cell. */
    readonly models: readonly MemristorModel[];
    readonly w0: Float64Array;
    readonly voltage: "x" | "y";
  };
}

/** Cells C·H·W of a mapped layer. */
export function mappedCells(m: MappedLayer): number {
  return m.channels * m.rows * m.cols;
}

/**
 * Realises a trained layer on the circuit of `profile` with mismatch seed `seed`, for images of
 * rows × cols. 3×3 templates only (every trained layer has them).
 */
export function mapLayer(
  layer: TrainedCellLayer,
  profile: HardwareProfile,
  seed: number | string,
  rows: number,
  cols: number,
): MappedLayer {
  const { spec } = layer;
  const name = spec.name;
  const C = spec.c_out;
  const Ci = spec.c_in;
  if (layer.A.length !== C * C * 9 || layer.B.length !== C * Ci * 9)
    throw new ValidationError(`layers.${name}`, "templates are not 3×3", "3×3 templates A and B");
  const plane = rows * cols;
  const programmed = programTemplates(layer, profile, seed);
  const sigma = profile.mismatch.sigma;
  const perCell = (what: "A" | "B", src: Float64Array, cin: number) => {
    const out = new Float64Array(C * cin * plane * 9);
    if (!(sigma > 0)) {
      for (let oc = 0; oc < C * cin; oc++)
        for (let p = 0; p < plane; p++)
          out.set(src.subarray(oc * 9, oc * 9 + 9), (oc * plane + p) * 9);
      return out;
    }
    const stream = randomStream(seed, name, "mismatch", what);
    // Draw index: cell (o, p) then coefficient (c, m), so one output channel's draws are one
    // contiguous block of the stream.
    // Only non-zero coefficients are mismatched (a zero tap is no circuit), so only theirs are drawn.
    const eps = new Float64Array(plane * cin * 9);
    const need = new Uint8Array(plane * cin * 9);
    for (let o = 0; o < C; o++) {
      for (let p = 0; p < plane; p++)
        for (let cm = 0; cm < cin * 9; cm++)
          need[p * cin * 9 + cm] = src[o * cin * 9 + cm] !== 0 ? 1 : 0;
      stream.fillNormal(eps, o * plane * cin * 9, need);
      for (let c = 0; c < cin; c++) {
        const q = (o * cin + c) * 9;
        for (let p = 0; p < plane; p++) {
          const dst = ((o * cin + c) * plane + p) * 9;
          const e = (p * cin + c) * 9;
          for (let m = 0; m < 9; m++) {
            const a = src[q + m];
            // A mismatched coefficient is a float32 value (relative rounding ≤ 6e-8, far below
            // any σ of interest): the SIMD path streams it as float32, with the same products.
            out[dst + m] = a !== 0 ? Math.fround(a * (1 + sigma * eps[e + m])) : a;
          }
        }
      }
    }
    return out;
  };
  const A = perCell("A", programmed.A, C);
  const B = perCell("B", programmed.B, Ci);
  const z = new Float64Array(C * plane);
  const zEps =
    sigma > 0
      ? randomStream(seed, name, "mismatch", "z").fillNormal(new Float64Array(C * plane))
      : undefined;
  const sOff = profile.offset.sigma;
  const offEps =
    sOff > 0
      ? randomStream(seed, name, "offset").fillNormal(new Float64Array(C * plane))
      : undefined;
  for (let o = 0; o < C; o++)
    for (let p = 0; p < plane; p++) {
      const k = o * plane + p;
      let v = programmed.z[o];
      if (zEps && v !== 0) v = v * (1 + sigma * zEps[k]);
      if (offEps) v += sOff * offEps[k];
      z[k] = v;
    }

  let stuck: Uint8Array | undefined;
  if (profile.stuck.fraction > 0) {
    stuck = new Uint8Array(C * plane);
    const u = randomStream(seed, name, "stuck").fillUniform(new Float64Array(C * plane));
    for (let k = 0; k < stuck.length; k++) stuck[k] = u[k] < profile.stuck.fraction ? 1 : 0;
  }

  const m = spec.cell.memristor;
  const memristive = m && m.enabled !== false;
  const useProfileScales = !memristive || profile.scales.memristive === "profile";
  const scales: PhysicalScales = useProfileScales
    ? { tau: profile.scales.tau, Vs: profile.scales.V_s, R: profile.scales.R }
    : { tau: m.scales.tau, Vs: m.scales.V_s, R: m.scales.R };
  let memristor: MappedLayer["memristor"];
  if (memristive) memristor = mapMemristors(layer, profile, seed, C * plane, scales);

  return {
    name,
    channels: C,
    inputChannels: Ci,
    rows,
    cols,
    A,
    B,
    z,
    programmed: {
      A: { outChannels: C, inChannels: C, size: 3, data: programmed.A },
      B: { outChannels: C, inChannels: Ci, size: 3, data: programmed.B },
      z: programmed.z,
    },
    grids: programmed.grids,
    boundary:
      spec.cell.boundary === "fixed" ? { kind: "fixed", y: 0, u: 0 } : { kind: spec.cell.boundary },
    output: {
      alpha: profile.output.function === "standard" ? 0 : spec.cell.output.alpha,
      saturation: profile.output.saturation,
    },
    stuck,
    stuckOutput: profile.stuck.output,
    T: spec.cell.T,
    T_hw: profile.settling.T_hw ?? spec.cell.T,
    scales,
    memristor,
  };
}

/**
 * Each cell's memristor: the layer's model with the chosen parameters drawn log-normally per
 * device, p·exp(σ·ε) from randomStream(seed, layer, "memristor", p) at the cell index, and w(0)
 * spread by w0_sigma (clamped to the model's range). Without variation every cell shares one
 * model object.
 */
function mapMemristors(
  layer: TrainedCellLayer,
  profile: HardwareProfile,
  seed: number | string,
  n: number,
  scales: PhysicalScales,
): MappedLayer["memristor"] {
  const m = layer.spec.cell.memristor!;
  const name = layer.spec.name;
  const base: Record<string, number> =
    m.model === "strachan-taox-smooth-v1"
      ? { ...m.params, ...m.kernels, tau: scales.tau }
      : { ...m.params };
  const nominal = createMemristor(m.model, base);
  const sigmas = Object.entries(profile.memristor.sigma).filter(([, s]) => s > 0);
  for (const [p] of sigmas)
    if (!(p in nominal.params))
      throw new ValidationError(
        `memristor.sigma.${p}`,
        `model ${m.model} of layer ${name} has no parameter ${p}`,
        `names among ${Object.keys(nominal.params).join(", ")}`,
      );
  let models: MemristorModel[];
  if (sigmas.length === 0) models = new Array(n).fill(nominal);
  else {
    const draws = sigmas.map(
      ([p, s]) =>
        [p, s, randomStream(seed, name, "memristor", p).fillNormal(new Float64Array(n))] as const,
    );
    models = new Array(n);
    for (let k = 0; k < n; k++) {
      const params = { ...base };
      for (const [p, s, eps] of draws) params[p] = base[p] * Math.exp(s * eps[k]);
      try {
        models[k] = createMemristor(m.model, params);
      } catch (e) {
        if (e instanceof CellspiceError)
          throw new ValidationError(
            `memristor.sigma`,
            `device ${k} of layer ${name} drew a parameter outside the model's range (${e.message})`,
            "a smaller relative sigma",
          );
        throw e;
      }
    }
  }
  const w0 = new Float64Array(n).fill(m.w0);
  const ws = profile.memristor.w0_sigma;
  if (ws > 0) {
    const eps = randomStream(seed, name, "memristor", "w0").fillNormal(new Float64Array(n));
    for (let k = 0; k < n; k++) {
      const w = m.w0 + ws * eps[k];
      w0[k] = Math.min(nominal.wMax, Math.max(nominal.wMin, w));
    }
  }
  return { models, w0, voltage: m.sense };
}
