import { sourceIndex } from "../cells/boundary.js";
import { ValidationError } from "../core/errors.js";
import { formatSpiceNumber as num } from "../core/spiceNumber.js";
import { memristorSubcircuit, SUBCIRCUIT_MODELS } from "../spice/netlist/memristor.js";
import type { Element, Netlist, Subcircuit } from "../spice/netlist/model.js";
import { nodeName, voltageVector } from "../spice/netlist/nodeNames.js";
import type { MappedLayer } from "./mappedLayer.js";

export interface MappedNetlistOptions {
  /** Output points (.tran step T_hw·τ/points). Default 100. */
  points?: number;
  /** Largest internal step in units of τ (ngspice's accuracy, DESIGN.md 3). Default 1e-3. */
  maxStep?: number;
}

export interface MappedNetlist {
  netlist: Netlist;
  /** v(x_c_i_j) of every cell in cell order, then v(w_c_i_j) of an M-CellNN. */
  stateVectors: string[];
  memristorVectors: string[];
  /** T_hw·τ [s]. */
  tstop: number;
}

/**
 * The mapped layer on input u as an ngspice netlist with per-instance values (DESIGN.md 3):
 * each cell's own transconductances A_cell/R and B_cell/R (one VCCS per programmed coefficient,
 * so a tap the programmed template lacks has no transconductor), its own bias-and-offset current
 * z_cell·V_s/R, the output stage V_s·f(v(x)/V_s) with the profile's saturation level, a stuck
 * cell's output as a fixed source, and, for an M-CellNN, each memristor instance with its own
 * parameters and w(0). Node names are those of every cellspice netlist (x_c_i_j, y_, u_, w_),
 * element names carry the cell, so a result maps back to (channel, row, column).
 */
export function mappedNetlist(
  m: MappedLayer,
  u: Float64Array,
  options: MappedNetlistOptions = {},
): MappedNetlist {
  const { channels: C, inputChannels: Ci, rows, cols, boundary } = m;
  const { tau, Vs, R } = m.scales;
  const plane = rows * cols;
  if (u.length !== Ci * plane)
    throw new ValidationError("input", `has ${u.length} values`, `C_in×H×W = ${Ci * plane}`);
  const points = options.points ?? 100;
  const maxStep = options.maxStep ?? 1e-3;
  const elements: Element[] = [];
  const x = (c: number, i: number, j: number) => nodeName("x", c, i, j);
  const y = (c: number, i: number, j: number) => nodeName("y", c, i, j);
  const un = (c: number, i: number, j: number) => nodeName("u", c, i, j);
  const { alpha, saturation: L } = m.output;
  const outputExpr = (node: string) => {
    const sat = `0.5*(abs(v(${node})+${num(L * Vs)})-abs(v(${node})-${num(L * Vs)}))`;
    return alpha === 0 ? sat : `${num(alpha)}*v(${node})+${num(1 - alpha)}*${sat}`;
  };
  for (let c = 0; c < Ci; c++)
    for (let i = 0; i < rows; i++)
      for (let j = 0; j < cols; j++)
        elements.push({
          kind: "V",
          name: `v${un(c, i, j)}`,
          nodes: [un(c, i, j), "0"],
          dc: Vs * u[(c * rows + i) * cols + j],
        });

  const yFixed = boundary.kind === "fixed" ? boundary.y : 0;
  const uFixed = boundary.kind === "fixed" ? boundary.u : 0;
  for (let o = 0; o < C; o++) {
    for (let i = 0; i < rows; i++) {
      for (let j = 0; j < cols; j++) {
        const p = i * cols + j;
        const k = o * plane + p;
        const node = x(o, i, j);
        elements.push({ kind: "C", name: `c${node}`, nodes: [node, "0"], value: tau / R, ic: 0 });
        elements.push({ kind: "R", name: `r${node}`, nodes: [node, "0"], value: R });
        if (m.stuck?.[k])
          elements.push({
            kind: "V",
            name: `v${y(o, i, j)}`,
            nodes: [y(o, i, j), "0"],
            dc: Vs * m.stuckOutput,
          });
        else
          elements.push({
            kind: "BV",
            name: `b${y(o, i, j)}`,
            nodes: [y(o, i, j), "0"],
            expr: outputExpr(node),
          });
        let constant = m.z[k];
        const gains = new Map<string, number>();
        const taps = (
          coeffs: Float64Array,
          programmed: Float64Array,
          cin: number,
          src: typeof y,
          fixed: number,
        ) => {
          for (let c = 0; c < cin; c++)
            for (let t = 0; t < 9; t++) {
              if (programmed[(o * cin + c) * 9 + t] === 0) continue;
              const a = coeffs[((o * cin + c) * plane + p) * 9 + t];
              const si = sourceIndex(boundary, i + Math.floor(t / 3) - 1, rows);
              const sj = sourceIndex(boundary, j + (t % 3) - 1, cols);
              if (si < 0 || sj < 0) constant += a * fixed;
              else {
                const s = src(c, si, sj);
                gains.set(s, (gains.get(s) ?? 0) + a);
              }
            }
        };
        taps(m.A, m.programmed.A.data, C, y, yFixed);
        taps(m.B, m.programmed.B.data, Ci, un, uFixed);
        for (const [s, g] of gains)
          if (g !== 0)
            elements.push({
              kind: "G",
              name: `g${node}_${s}`,
              nodes: ["0", node],
              control: [s, "0"],
              gain: g / R,
            });
        if (constant !== 0)
          elements.push({
            kind: "I",
            name: `i${node}`,
            nodes: ["0", node],
            dc: (constant * Vs) / R,
          });
      }
    }
  }

  const stateVectors: string[] = [];
  const memristorVectors: string[] = [];
  for (let o = 0; o < C; o++)
    for (let i = 0; i < rows; i++)
      for (let j = 0; j < cols; j++) stateVectors.push(voltageVector(x(o, i, j)));
  const subcircuits: Subcircuit[] = [];
  if (m.memristor) {
    const { models, w0, voltage } = m.memristor;
    if (voltage !== "x")
      throw new ValidationError(
        "memristor.voltage",
        '"y" has no per-instance circuit here',
        '"x" for netlist export',
      );
    if (!SUBCIRCUIT_MODELS.includes(models[0].name))
      throw new ValidationError(
        "memristor.model",
        `no SPICE subcircuit for ${JSON.stringify(models[0].name)}`,
        SUBCIRCUIT_MODELS.join(", "),
      );
    const sub = memristorSubcircuit(models[0]);
    subcircuits.push(sub);
    const nominal = models[0].params;
    for (let o = 0; o < C; o++)
      for (let i = 0; i < rows; i++)
        for (let j = 0; j < cols; j++) {
          const k = (o * rows + i) * cols + j;
          const params: Record<string, number> = { w0: w0[k] };
          // Per-instance parameters: every one that differs from the subcircuit's default.
          for (const [name, v] of Object.entries(models[k].params))
            if (v !== nominal[name]) params[name.toLowerCase()] = v;
          const w = nodeName("w", o, i, j);
          elements.push({
            kind: "X",
            name: `xm${w.slice(1)}`,
            nodes: [x(o, i, j), "0", w],
            subckt: sub.name,
            params,
          });
          memristorVectors.push(voltageVector(w));
        }
  }
  const tstop = m.T_hw * tau;
  const netlist: Netlist = {
    title: `cellspice mapped layer ${m.name}`,
    comments: [
      `generated by cellspice from the mapped layer "${m.name}" (src/hardware): ${C} channel(s) of ${rows}x${cols} cells, ${Ci} input channel(s), per-cell transconductances, offsets${m.memristor ? " and memristor parameters" : ""}`,
      `scales: tau=${num(tau)} s, Vs=${num(Vs)} V, R=${num(R)} ohm, C=tau/R=${num(tau / R)} F; x = v(x_c_i_j)/Vs, t = time/tau; read out at T_hw=${num(m.T_hw)} tau`,
      `output: ${num(alpha)}*x + ${num(1 - alpha)}*clamp(x, -${num(L)}, ${num(L)}); ${m.stuck ? "stuck cells are fixed sources at their output" : "no stuck cells"}`,
    ],
    options: ["norefvalue noinit noacct", ...(m.memristor ? ["reltol=1e-6 trtol=1"] : [])],
    subcircuits,
    elements,
    saves: [...stateVectors, ...memristorVectors],
    tran: { step: tstop / points, stop: tstop, maxStep: maxStep * tau, uic: true },
  };
  return { netlist, stateVectors, memristorVectors, tstop };
}
