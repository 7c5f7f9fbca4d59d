import { sourceIndex } from "../../cells/boundary.js";
import type { CellArray } from "../../cells/spec.js";
import { createCellSystem } from "../../cells/system.js";
import { ValidationError } from "../../core/errors.js";
import { formatSpiceNumber as num } from "../../core/spiceNumber.js";
import { memristorSubcircuit } from "./memristor.js";
import type { Element, Netlist } from "./model.js";
import { nodeName, voltageVector } from "./nodeNames.js";

/**
 * How an array becomes a circuit (DESIGN.md 3), per cell (c, i, j):
 *
 *   x node   C = τ/R and R to ground; an M-CellNN cell adds the TaOx subcircuit in parallel
 *   y node   behavioural voltage source V_s·f(v(x)/V_s)
 *   A        currents (A/R)·v(y_q) into x: one VCCS per coefficient ("vccs") or one behavioural
 *            current source per cell ("behavioral")
 *   B, z     input nodes u as voltage sources V_s·u with VCCS (B/R)·v(u_q) ("sources"), or
 *            B ⋆ u + z folded into one current source per cell ("folded"); the bias z and the
 *            virtual cells of a fixed boundary are constant currents (z + Σ A·y_b + Σ B·u_b)·V_s/R
 *
 * Time in the circuit is physical: the transient runs to T·τ seconds, x = v(x)/V_s.
 */
export interface NetlistOptions {
  /** Transient length in units of τ. */
  T: number;
  /** Output points (the .tran step is T·τ/points). Default 100. */
  points?: number;
  /** Largest internal step in units of τ; sets ngspice's accuracy (DESIGN.md 3). Default 1e-3. */
  maxStep?: number;
  templateForm?: "vccs" | "behavioral";
  inputForm?: "sources" | "folded";
  /**
   * Extra `.options` words. Default: none for a CellNN; "reltol=1e-6 trtol=1" for an M-CellNN,
   * whose abrupt memristor switching ngspice's default error control (reltol 1e-3, trtol 7)
   * steps over with errors of a few 1e-2 in x (measured on netlists/mcellnn-edge-4x4.cir: 4e-2 by
   * default, 6e-6 with these options, at no extra run time).
   */
  options?: string[];
  /** Save the y nodes as well as x (and w). */
  saveOutputs?: boolean;
}

export interface ArrayNetlist {
  netlist: Netlist;
  /** The vectors saved, in cell order: x for every cell, then w for an M-CellNN. */
  stateVectors: string[];
  memristorVectors: string[];
  /** Physical end time T·τ [s]. */
  tstop: number;
}

export function arrayNetlist(array: CellArray, options: NetlistOptions): ArrayNetlist {
  const { channels, inputChannels, rows, cols, boundary, A, B } = array;
  const { tau, Vs, R } = array.scales;
  if (!(options.T > 0 && Number.isFinite(options.T))) {
    throw new ValidationError("T", `got ${options.T}`, "a positive transient length in units of τ");
  }
  const points = options.points ?? 100;
  if (!(Number.isInteger(points) && points >= 1)) {
    throw new ValidationError("points", `got ${points}`, "a positive integer");
  }
  const maxStep = options.maxStep ?? 1e-3;
  if (!(maxStep > 0))
    throw new ValidationError("maxStep", `got ${maxStep}`, "a positive step in units of τ");
  if (array.memristor && array.memristor.voltage !== "x") {
    throw new ValidationError(
      "memristor.voltage",
      '"y" has no two-terminal circuit',
      '"x" (memristor across the cell capacitor) for netlist export',
    );
  }
  const templateForm = options.templateForm ?? "vccs";
  const inputForm = options.inputForm ?? "sources";
  const elements: Element[] = [];
  const x = (c: number, i: number, j: number) => nodeName("x", c, i, j);
  const y = (c: number, i: number, j: number) => nodeName("y", c, i, j);
  const u = (c: number, i: number, j: number) => nodeName("u", c, i, j);
  const folded =
    inputForm === "folded"
      ? createCellSystem({ ...array, memristor: undefined }).constantInput
      : undefined;
  const yFixed = boundary.kind === "fixed" ? boundary.y : 0;
  const uFixed = boundary.kind === "fixed" ? boundary.u : 0;
  const capacitance = tau / R;
  const outputExpr = (node: string) => {
    const sat = `0.5*(abs(v(${node})+${num(Vs)})-abs(v(${node})-${num(Vs)}))`;
    if (array.output.kind === "standard") return sat;
    const alpha = array.output.alpha;
    return `${num(alpha)}*v(${node})+${num(1 - alpha)}*${sat}`;
  };

  if (inputForm === "sources") {
    for (let c = 0; c < inputChannels; c++)
      for (let i = 0; i < rows; i++)
        for (let j = 0; j < cols; j++)
          elements.push({
            kind: "V",
            name: `v${u(c, i, j)}`,
            nodes: [u(c, i, j), "0"],
            dc: Vs * array.input[(c * rows + i) * cols + j],
          });
  }

  for (let c = 0; c < channels; c++) {
    for (let i = 0; i < rows; i++) {
      for (let j = 0; j < cols; j++) {
        const p = (c * rows + i) * cols + j;
        const node = x(c, i, j);
        elements.push({
          kind: "C",
          name: `c${node}`,
          nodes: [node, "0"],
          value: capacitance,
          ic: Vs * array.x0[p],
        });
        elements.push({ kind: "R", name: `r${node}`, nodes: [node, "0"], value: R });
        elements.push({
          kind: "BV",
          name: `b${y(c, i, j)}`,
          nodes: [y(c, i, j), "0"],
          expr: outputExpr(node),
        });
        // Constant current in normalised units: bias, fixed-boundary virtual cells, folded input.
        let constant = folded ? folded[p] : array.z[c];
        const gainsA = new Map<string, number>();
        stencil(A.size, channels, (c2, dk, dl, r) => {
          const a = A.data[((c * channels + c2) * A.size + dk) * A.size + dl];
          if (a === 0) return;
          const si = sourceIndex(boundary, i + dk - r, rows);
          const sj = sourceIndex(boundary, j + dl - r, cols);
          if (si < 0 || sj < 0) constant += a * yFixed;
          else gainsA.set(y(c2, si, sj), (gainsA.get(y(c2, si, sj)) ?? 0) + a);
        });
        const gainsB = new Map<string, number>();
        if (!folded) {
          stencil(B.size, inputChannels, (c2, dk, dl, r) => {
            const b = B.data[((c * inputChannels + c2) * B.size + dk) * B.size + dl];
            if (b === 0) return;
            const si = sourceIndex(boundary, i + dk - r, rows);
            const sj = sourceIndex(boundary, j + dl - r, cols);
            if (si < 0 || sj < 0) constant += b * uFixed;
            else gainsB.set(u(c2, si, sj), (gainsB.get(u(c2, si, sj)) ?? 0) + b);
          });
        }
        const sources = [...gainsA, ...gainsB].filter(([, g]) => g !== 0);
        if (templateForm === "vccs") {
          for (const [src, g] of sources) {
            elements.push({
              kind: "G",
              name: `g${node}_${src}`,
              nodes: ["0", node],
              control: [src, "0"],
              gain: g / R,
            });
          }
        } else if (sources.length > 0) {
          const expr = sources.map(([src, g]) => `${num(g / R)}*v(${src})`).join("+");
          elements.push({ kind: "BI", name: `b${node}`, nodes: ["0", node], expr });
        }
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

  const subcircuits = [];
  const cellNodes = (kind: "x" | "y" | "w") => {
    const names: string[] = [];
    for (let c = 0; c < channels; c++)
      for (let i = 0; i < rows; i++)
        for (let j = 0; j < cols; j++) names.push(nodeName(kind, c, i, j));
    return names;
  };
  const stateNodes = cellNodes("x");
  const stateVectors = stateNodes.map(voltageVector);
  const memristorVectors: string[] = [];
  if (array.memristor) {
    const sub = memristorSubcircuit(array.memristor.model);
    subcircuits.push(sub);
    cellNodes("w").forEach((w, p) => {
      elements.push({
        kind: "X",
        name: `xm${w.slice(1)}`,
        nodes: [stateNodes[p], "0", w],
        subckt: sub.name,
        params: { w0: array.memristor!.w0[p] },
      });
      memristorVectors.push(voltageVector(w));
    });
  }
  const saves = [...stateVectors, ...memristorVectors];
  if (options.saveOutputs) saves.push(...cellNodes("y").map(voltageVector));

  const tstop = options.T * tau;
  const netlist: Netlist = {
    title: `cellspice ${array.memristor ? "M-CellNN" : "CellNN"} array ${array.name}`,
    comments: [
      `generated by cellspice from array "${array.name}": ${channels} channel(s) of ${rows}x${cols} cells, ${inputChannels} input channel(s)`,
      `templates: A ${A.size}x${A.size}, B ${B.size}x${B.size}; boundary ${JSON.stringify(boundary)}; output ${JSON.stringify(array.output)}`,
      `scales: tau=${num(tau)} s, Vs=${num(Vs)} V, R=${num(R)} ohm, C=tau/R=${num(capacitance)} F; x = v(x_c_i_j)/Vs, t = time/tau`,
      `transient: T=${num(options.T)} tau, ${points} points, max step ${num(maxStep)} tau; template form ${templateForm}, input form ${inputForm}`,
      `nodes: x_<c>_<i>_<j> state, y_ output f(x), u_ input, w_ memristor state (zero-based channel, row, column)`,
      ...(array.memristor
        ? [`memristor: ${array.memristor.model.name} across each cell capacitor (voltage v(x))`]
        : []),
    ],
    options: [
      "norefvalue noinit noacct",
      ...(options.options ?? (array.memristor ? ["reltol=1e-6 trtol=1"] : [])),
    ],
    subcircuits,
    elements,
    saves,
    tran: { step: tstop / points, stop: tstop, maxStep: maxStep * tau, uic: true },
  };
  return { netlist, stateVectors, memristorVectors, tstop };
}

function stencil(
  size: number,
  inChannels: number,
  visit: (c2: number, dk: number, dl: number, r: number) => void,
): void {
  const r = (size - 1) / 2;
  for (let c2 = 0; c2 < inChannels; c2++)
    for (let dk = 0; dk < size; dk++) for (let dl = 0; dl < size; dl++) visit(c2, dk, dl, r);
}
