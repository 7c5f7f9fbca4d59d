import type { TrainedCellLayer } from "../unet/layerEngine.js";
import { type HardwareProfile, isAnalogLayer } from "./profile.js";
import { programTemplates } from "./programming.js";

/**
 * ACE16k (0.35 µm CMOS, 128×128 cells), the published anchor of DESIGN.md 1.1: 330 GOPS at
 * 82.5 GOPS/W, i.e. about 12 pJ per operation.
 */
export const ACE16K = { gops: 330, gopsPerWatt: 82.5, pJPerOp: 1000 / 82.5 } as const;

/** One analog layer's circuit and what one evaluation of it costs. */
export interface LayerResources {
  readonly name: string;
  readonly channels: number;
  readonly inputChannels: number;
  readonly rows: number;
  readonly cols: number;
  readonly cells: number;
  /** One per non-zero programmed coefficient of A and B per cell, plus the bias source. */
  readonly transconductors: number;
  readonly memristors: number;
  /** C = τ/R [F] per cell, and the layer's capacitor area at the profile's density [m²]. */
  readonly capacitance: number;
  readonly capacitorArea: number;
  readonly transconductorArea: number;
  readonly memristorArea: number;
  /** T_hw·τ [s]: the time the layer settles for. */
  readonly settlingTime: number;
  /** Equivalent operations: 2 per template coefficient per cell (a multiply and an add). */
  readonly ops: number;
  /** Energy of one evaluation [J]: bias of the transconductors over the settling time … */
  readonly staticEnergy: number;
  /** … and charging the capacitors (C·V_s² each) plus the DAC and ADC conversions. */
  readonly dynamicEnergy: number;
  /**
   * Bytes the circuit engine holds for this layer's per-cell mismatch: A, B (float64) and z per
   * cell, and the float32 copies of A and B that the SIMD kernels stream (mismatchBytesPerCell).
   */
  readonly mismatchBytes: number;
}

export interface NetworkResources {
  readonly layers: LayerResources[];
  readonly totals: {
    cells: number;
    transconductors: number;
    memristors: number;
    area: number;
    /** One UNet forward: the analog layers one after another [s]. */
    settlingPerForward: number;
    /** One image: `forwards` forwards [s]. */
    settlingPerImage: number;
    forwardsPerImage: number;
    energyPerForward: number;
    energyPerImage: number;
    opsPerForward: number;
    /** ops / settling time, ops / energy. */
    gops: number;
    gopsPerWatt: number;
    pJPerOp: number;
    mismatchBytes: number;
    /** The same per-cell storage scaled to n_feat = 128 (channels ×128/n_feat, same images). */
    mismatchBytesAtNFeat128: number;
  };
  readonly assumptions: Record<string, unknown>;
}

/**
 * Resources, latency and energy of the analog layers of a mapped network under `profile`.
 * Every assumption is a profile field (energy.*, scales.*); a sampled image takes
 * `forwardsPerImage` UNet forwards (DDIM steps × 2 with classifier-free guidance, run one after
 * the other on one copy of the hardware).
 */
export function hardwareResources(
  layers: readonly TrainedCellLayer[],
  profile: HardwareProfile,
  options: { imageSize: number; nFeat: number; forwardsPerImage: number },
): NetworkResources {
  const e = profile.energy;
  const { tau, V_s: Vs, R } = profile.scales;
  const out: LayerResources[] = [];
  let scaled128 = 0;
  for (const layer of layers) {
    const { spec } = layer;
    if (!isAnalogLayer(profile, spec.name)) continue;
    const rows = spec.height ?? options.imageSize;
    const cols = spec.width ?? options.imageSize;
    const plane = rows * cols;
    const C = spec.c_out;
    const Ci = spec.c_in;
    const q = programTemplates(layer, profile, 0);
    const nonZero = (v: Float64Array, from: number, to: number) => {
      let n = 0;
      for (let k = from; k < to; k++) if (v[k] !== 0) n++;
      return n;
    };
    let tc = 0;
    for (let o = 0; o < C; o++)
      tc +=
        nonZero(q.A, o * C * 9, (o + 1) * C * 9) +
        nonZero(q.B, o * Ci * 9, (o + 1) * Ci * 9) +
        (q.z[o] !== 0 ? 1 : 0);
    const cells = C * plane;
    const transconductors = tc * plane;
    const m = spec.cell.memristor;
    const memristive = Boolean(m && m.enabled !== false);
    const scales =
      memristive && profile.scales.memristive === "trained"
        ? { tau: m!.scales.tau, R: m!.scales.R, Vs: m!.scales.V_s }
        : { tau, R, Vs };
    const capacitance = scales.tau / scales.R;
    const settlingTime = (profile.settling.T_hw ?? spec.cell.T) * scales.tau;
    const ops = 2 * (nonZero(q.A, 0, q.A.length) + nonZero(q.B, 0, q.B.length)) * plane;
    const staticEnergy = transconductors * e.transconductor_bias * e.supply * settlingTime;
    const dynamicEnergy =
      cells * capacitance * scales.Vs * scales.Vs +
      Ci * plane * e.dac_energy +
      cells * e.adc_energy;
    const mismatchBytes = mismatchBytesPerCell(C, Ci) * cells;
    const f = 128 / options.nFeat;
    scaled128 += mismatchBytesPerCell(C * f, Ci === 1 ? 1 : Ci * f) * C * f * plane;
    out.push({
      name: spec.name,
      channels: C,
      inputChannels: Ci,
      rows,
      cols,
      cells,
      transconductors,
      memristors: memristive ? cells : 0,
      capacitance,
      capacitorArea: (cells * capacitance) / e.capacitor_density,
      transconductorArea: transconductors * e.transconductor_area,
      memristorArea: (memristive ? cells : 0) * e.memristor_area,
      settlingTime,
      ops,
      staticEnergy,
      dynamicEnergy,
      mismatchBytes,
    });
  }
  const sum = (f: (l: LayerResources) => number) => out.reduce((s, l) => s + f(l), 0);
  const settlingPerForward = sum((l) => l.settlingTime);
  const energyPerForward = sum((l) => l.staticEnergy + l.dynamicEnergy);
  const opsPerForward = sum((l) => l.ops);
  const k = options.forwardsPerImage;
  return {
    layers: out,
    totals: {
      cells: sum((l) => l.cells),
      transconductors: sum((l) => l.transconductors),
      memristors: sum((l) => l.memristors),
      area: sum((l) => l.capacitorArea + l.transconductorArea + l.memristorArea),
      settlingPerForward,
      settlingPerImage: settlingPerForward * k,
      forwardsPerImage: k,
      energyPerForward,
      energyPerImage: energyPerForward * k,
      opsPerForward,
      gops: opsPerForward / settlingPerForward / 1e9,
      gopsPerWatt: opsPerForward / energyPerForward / 1e9,
      pJPerOp: (energyPerForward / opsPerForward) * 1e12,
      mismatchBytes: sum((l) => l.mismatchBytes),
      mismatchBytesAtNFeat128: scaled128,
    },
    assumptions: {
      energy: e,
      scales: profile.scales,
      ops: "2 per template coefficient per cell per evaluation (a multiply-add, counted as ACE16k's GOPS count template operations)",
      static:
        "every transconductor biased only while its layer settles (T_hw*tau); layers run one after another",
      dynamic:
        "each capacitor charged once by C*V_s^2 per evaluation; one DAC conversion per input, one ADC per output",
      digital:
        "the digital layers (convolutions outside the cellular blocks, norms, embeddings) are not counted",
    },
  };
}

/**
 * Bytes per cell of a mapped layer with C feedback and Ci control inputs: its 9·(C + Ci) per-cell
 * coefficients as float64 (MappedLayer A, B: the scalar path, the netlists) and as float32 (the
 * WebAssembly SIMD kernels' packed copy, src/hardware/correlateVariant.ts; an odd column count
 * pads each row by one cell, not counted), and its bias as float64.
 */
export function mismatchBytesPerCell(C: number, Ci: number): number {
  return (8 + 4) * 9 * (C + Ci) + 8;
}
