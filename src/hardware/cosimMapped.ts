import { DEFAULT_TOLERANCES } from "../cosim/cosim.js";
import {
  type CellMetrics,
  compareWaveforms,
  type OverallMetrics,
  type Tolerances,
  type Verdict,
  verdict,
} from "../cosim/metrics.js";
import { solve } from "../solvers/solve.js";
import type { Netlist } from "../spice/netlist/model.js";
import { renderNetlist } from "../spice/netlist/model.js";
import { checkTopology } from "../spice/netlist/topology.js";
import { runNgspice } from "../spice/runner.js";
import type { MappedLayer } from "./mappedLayer.js";
import { createMappedSystem } from "./mappedSystem.js";
import { type MappedNetlistOptions, mappedNetlist } from "./netlist.js";

export interface MappedCosimResult {
  readonly t: Float64Array;
  readonly cells: (CellMetrics & { channel: number; row: number; col: number })[];
  readonly overall: OverallMetrics;
  readonly verdict: Verdict;
  /** The failing cells as (channel, row, col), worst first. */
  readonly failing: { cell: number; channel: number; row: number; col: number }[];
  readonly ngspiceMs: number;
  readonly netlist: string;
}

/**
 * Co-simulates a mapped layer (per-cell values) on input u: ngspice runs its per-instance
 * netlist, cellspice the same mapped system (adaptive, tight tolerances) evaluated at ngspice's
 * time points; the waveforms of x are compared cell by cell against the co-simulation
 * tolerances (src/cosim). `editNetlist` changes the structured netlist before it runs (fault
 * injection: a wrong per-instance value must fail, naming its cell).
 */
export async function cosimMapped(
  m: MappedLayer,
  u: Float64Array,
  options: MappedNetlistOptions & {
    tolerances?: Partial<Tolerances>;
    editNetlist?: (n: Netlist) => void;
    timeoutMs?: number;
  } = {},
): Promise<MappedCosimResult> {
  const built = mappedNetlist(m, u, options);
  options.editNetlist?.(built.netlist);
  checkTopology(built.netlist);
  const text = renderNetlist(built.netlist);
  const result = await runNgspice(text, {
    expectVectors: [...built.stateVectors, ...built.memristorVectors],
    tstop: built.tstop,
    timeoutMs: options.timeoutMs,
  });
  const { tau, Vs } = m.scales;
  const time = result.plot.vector("time");
  const nt = time.length;
  const t = Float64Array.from(time, (s) => s / tau);
  t[nt - 1] = m.T_hw;
  const n = built.stateVectors.length;
  const ng = new Float64Array(nt * n);
  built.stateVectors.forEach((name, p) => {
    const v = result.plot.vector(name);
    for (let k = 0; k < nt; k++) ng[k * n + p] = v[k] / Vs;
  });
  const system = createMappedSystem(m, u);
  const r = solve(system, {
    method: "dopri5",
    t0: 0,
    t1: m.T_hw,
    y0: system.initialState(),
    tEval: t,
    rtol: 1e-10,
    atol: 1e-12,
  });
  const ts = new Float64Array(nt * n);
  for (let k = 0; k < nt; k++) ts.set(r.y.subarray(k * r.dim, k * r.dim + n), k * n);
  const output = { kind: "leaky" as const, alpha: m.output.alpha };
  const { cells, overall } = compareWaveforms(t, ts, ng, n, output);
  const v = verdict(cells, overall, { ...DEFAULT_TOLERANCES, ...options.tolerances });
  const plane = m.rows * m.cols;
  const locate = (p: number) => ({
    cell: p,
    channel: Math.floor(p / plane),
    row: Math.floor((p % plane) / m.cols),
    col: p % m.cols,
  });
  return {
    t,
    cells: cells.map((c) => ({ ...c, ...locate(c.cell) })),
    overall,
    verdict: v,
    failing: v.failingCells.map(locate),
    ngspiceMs: result.wallTimeMs,
    netlist: text,
  };
}
