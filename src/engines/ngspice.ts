import type { CellArray } from "../cells/spec.js";
import { arrayNetlist, type NetlistOptions } from "../spice/netlist/cellArray.js";
import { type Netlist, renderNetlist } from "../spice/netlist/model.js";
import { checkTopology } from "../spice/netlist/topology.js";
import { type RunNgspiceOptions, runNgspice } from "../spice/runner.js";
import type { ArrayTrajectory } from "./trajectory.js";

export interface NgspiceRunOptions extends NetlistOptions {
  timeoutMs?: number;
  signal?: AbortSignal;
  format?: RunNgspiceOptions["format"];
  /** Edits the structured netlist before it is written (what-if studies, fault injection). */
  editNetlist?: (netlist: Netlist) => void;
}

/**
 * Simulates an array in ngspice: writes its netlist, checks its topology, runs ngspice and maps
 * the node voltages back to normalised states (x = v(x)/V_s at t = time/τ). The report times are
 * ngspice's own time points: nothing is interpolated here.
 */
export async function simulateNgspice(
  array: CellArray,
  o: NgspiceRunOptions,
): Promise<ArrayTrajectory & { netlist: string }> {
  const built = arrayNetlist(array, o);
  o.editNetlist?.(built.netlist);
  checkTopology(built.netlist);
  const netlist = renderNetlist(built.netlist);
  const result = await runNgspice(netlist, {
    expectVectors: [...built.stateVectors, ...built.memristorVectors],
    tstop: built.tstop,
    timeoutMs: o.timeoutMs,
    signal: o.signal,
    format: o.format,
  });
  const { tau, Vs } = array.scales;
  const plot = result.plot;
  const time = plot.vector("time");
  const nt = time.length;
  // s/τ can land an ulp past T (0.3e-3 / 1e-3 = 0.30000000000000004); the runner checked that
  // the last point is tstop, so it is pinned to T and no point exceeds it.
  const t = time.map((s) => Math.min(s / tau, o.T));
  if (nt > 0) t[nt - 1] = o.T;
  const gather = (vectors: string[], scale: number) => {
    const out = new Float64Array(nt * vectors.length);
    vectors.forEach((name, p) => {
      const v = plot.vector(name);
      for (let k = 0; k < nt; k++) out[k * vectors.length + p] = v[k] * scale;
    });
    return out;
  };
  return {
    engine: "ngspice",
    t,
    cells: built.stateVectors.length,
    x: gather(built.stateVectors, 1 / Vs),
    w: array.memristor ? gather(built.memristorVectors, 1) : undefined,
    info: {
      ngspiceVersion: result.version,
      points: nt,
      warnings: result.warnings,
      maxStep: o.maxStep ?? 1e-3,
      templateForm: o.templateForm ?? "vccs",
      inputForm: o.inputForm ?? "sources",
    },
    wallTimeMs: result.wallTimeMs,
    netlist,
  };
}
