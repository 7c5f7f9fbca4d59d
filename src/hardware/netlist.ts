import { sourceIndex } from "../cells/boundary.js";
import { ValidationError } from "../core/errors.js";
import { formatSpiceNumber as num } from "../core/spiceNumber.js";
import { solve } from "../solvers/solve.js";
import type { RegionNetlist, RingDrive } from "../spice/netlist/cellArray.js";
import { pwlExpression } from "../spice/netlist/cellCircuit.js";
import { controlBlock } from "../spice/netlist/control.js";
import { memristorSubcircuit, SUBCIRCUIT_MODELS } from "../spice/netlist/memristor.js";
import type { Element, Netlist, NetlistStream, Subcircuit } from "../spice/netlist/model.js";
import { nodeName, voltageVector } from "../spice/netlist/nodeNames.js";
import {
  type CellRegion,
  checkRegion,
  isWholeArray,
  ringPositions,
  wholeRegion,
} from "../spice/netlist/region.js";
import { type MappedLayer, mappedCells } from "./mappedLayer.js";
import { createMappedSystem } from "./mappedSystem.js";

export interface MappedNetlistOptions {
  /** Output points (.tran step T_hw·τ/points). Default 100. */
  points?: number;
  /** Largest internal step in units of τ (ngspice's accuracy, DESIGN.md 3). Default 1e-3. */
  maxStep?: number;
  /** A `.control` block writing this raw file beside the netlist when run by hand. */
  controlRawFile?: string;
}

export interface MappedNetlist {
  netlist: Netlist;
  /** v(x_c_i_j) of every cell in cell order, then v(w_c_i_j) of an M-CellNN. */
  stateVectors: string[];
  memristorVectors: string[];
  /** T_hw·τ [s]. */
  tstop: number;
}

/** The mapped layer's whole netlist with its elements in memory (see mappedRegionNetlist). */
export function mappedNetlist(
  m: MappedLayer,
  u: Float64Array,
  options: MappedNetlistOptions = {},
): MappedNetlist {
  const r = mappedRegionNetlist(m, u, options);
  return {
    netlist: { ...r.netlist, elements: [...r.netlist.elements] },
    stateVectors: r.stateVectors,
    memristorVectors: r.memristorVectors,
    tstop: r.tstop,
  };
}

/**
 * The mapped layer on input u as an ngspice netlist with per-instance values (DESIGN.md 3):
 * each cell's own transconductances A_cell/R and B_cell/R (one VCCS per programmed coefficient,
 * so a tap the programmed template lacks has no transconductor), its own bias-and-offset current
 * z_cell·V_s/R, the output stage V_s·f(v(x)/V_s) with the profile's saturation level, a stuck
 * cell's output as a fixed source, and, for an M-CellNN, each memristor instance with its own
 * parameters and w(0) (across the capacitor, or on the output behind a sense source as in
 * src/spice/netlist/memristorCell.ts). Node names are those of every cellspice netlist (x_c_i_j,
 * y_, u_, w_, m_), element names carry the cell, so a result maps back to (channel, row, column).
 *
 * `region` (default the whole layer) makes it a tile's netlist, as for the ideal circuit
 * (src/spice/netlist/cellArray.ts regionNetlist): the tile's cells with every channel, the
 * outputs y of its ring (radius 1) driven by `ring` (mappedRingDrive: cellspice's solution of
 * the whole mapped layer), and the inputs u of the tile and its ring as sources. Elements are
 * produced when iterated, so a whole layer streams to its file.
 */
export function mappedRegionNetlist(
  m: MappedLayer,
  u: Float64Array,
  options: MappedNetlistOptions = {},
  region: CellRegion = wholeRegion(m),
  ring?: RingDrive | "undriven",
): RegionNetlist {
  const { channels: C, inputChannels: Ci, rows, cols, boundary } = m;
  const { tau, Vs, R } = m.scales;
  const plane = rows * cols;
  if (u.length !== Ci * plane)
    throw new ValidationError("input", `has ${u.length} values`, `C_in×H×W = ${Ci * plane}`);
  const points = options.points ?? 100;
  const maxStep = options.maxStep ?? 1e-3;
  checkRegion(region, m);
  const whole = isWholeArray(region, m);
  const ringCells = whole ? [] : ringPositions(m, region, 1);
  if (ringCells.length > 0 && ring === undefined)
    throw new ValidationError(
      "ring",
      `the tile at (${region.row0}, ${region.col0}) reads ${ringCells.length} ring positions and no drive was given`,
      "a RingDrive with the ring cells' output waveforms (mappedRingDrive)",
    );
  const drive = ring === "undriven" ? undefined : ring;
  const inputs = whole ? positions(region) : sorted([...positions(region), ...ringCells]);
  const cells = positions(region);
  const x = (c: number, i: number, j: number) => nodeName("x", c, i, j);
  const y = (c: number, i: number, j: number) => nodeName("y", c, i, j);
  const un = (c: number, i: number, j: number) => nodeName("u", c, i, j);
  const { alpha, saturation: L } = m.output;
  const outputExpr = (node: string) => {
    const sat = `0.5*(abs(v(${node})+${num(L * Vs)})-abs(v(${node})-${num(L * Vs)}))`;
    return alpha === 0 ? sat : `${num(alpha)}*v(${node})+${num(1 - alpha)}*${sat}`;
  };
  const yFixed = boundary.kind === "fixed" ? boundary.y : 0;
  const uFixed = boundary.kind === "fixed" ? boundary.u : 0;

  const sub = m.memristor ? memristorInstance(m) : undefined;

  function cellElements(o: number, i: number, j: number): Element[] {
    const out: Element[] = [];
    const p = i * cols + j;
    const k = o * plane + p;
    const node = x(o, i, j);
    out.push({ kind: "C", name: `c${node}`, nodes: [node, "0"], value: tau / R, ic: 0 });
    out.push({ kind: "R", name: `r${node}`, nodes: [node, "0"], value: R });
    if (m.stuck?.[k])
      out.push({
        kind: "V",
        name: `v${y(o, i, j)}`,
        nodes: [y(o, i, j), "0"],
        dc: Vs * m.stuckOutput,
      });
    else
      out.push({
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
        out.push({
          kind: "G",
          name: `g${node}_${s}`,
          nodes: ["0", node],
          control: [s, "0"],
          gain: g / R,
        });
    if (constant !== 0)
      out.push({ kind: "I", name: `i${node}`, nodes: ["0", node], dc: (constant * Vs) / R });
    return out;
  }

  function* elements(): Generator<Element> {
    for (let c = 0; c < Ci; c++)
      for (const [i, j] of inputs)
        yield {
          kind: "V",
          name: `v${un(c, i, j)}`,
          nodes: [un(c, i, j), "0"],
          dc: Vs * u[(c * rows + i) * cols + j],
        };
    if (drive)
      for (let c = 0; c < C; c++)
        for (const [i, j] of ringCells)
          yield {
            kind: "BV",
            name: `b${y(c, i, j)}`,
            nodes: [y(c, i, j), "0"],
            expr: pwlExpression(drive.t, drive.y(c, i, j)),
          };
    for (let o = 0; o < C; o++) for (const [i, j] of cells) yield* cellElements(o, i, j);
    if (sub) for (let o = 0; o < C; o++) for (const [i, j] of cells) yield* sub.elements(o, i, j);
  }

  const cellNodes = (kind: "x" | "w") => {
    const names: string[] = [];
    for (let o = 0; o < C; o++) for (const [i, j] of cells) names.push(nodeName(kind, o, i, j));
    return names;
  };
  const stateVectors = cellNodes("x").map(voltageVector);
  const memristorVectors = m.memristor ? cellNodes("w").map(voltageVector) : [];
  const tstop = m.T_hw * tau;
  const where = whole
    ? ""
    : `, tile rows ${region.row0}-${region.row0 + region.rows - 1} columns ${region.col0}-${region.col0 + region.cols - 1}`;
  const netlist: NetlistStream = {
    title: `cellspice mapped layer ${m.name}${where}`,
    comments: [
      `generated by cellspice from the mapped layer "${m.name}" (src/hardware): ${C} channel(s) of ${rows}x${cols} cells, ${Ci} input channel(s), per-cell transconductances, offsets${m.memristor ? " and memristor parameters" : ""}`,
      `scales: tau=${num(tau)} s, Vs=${num(Vs)} V, R=${num(R)} ohm, C=tau/R=${num(tau / R)} F; x = v(x_c_i_j)/Vs, t = time/tau; read out at T_hw=${num(m.T_hw)} tau`,
      `transient: ${points} points, max step ${num(maxStep)} tau`,
      `output: ${num(alpha)}*x + ${num(1 - alpha)}*clamp(x, -${num(L)}, ${num(L)}); ${m.stuck ? "stuck cells are fixed sources at their output" : "no stuck cells"}`,
      `nodes: x_<c>_<i>_<j> state, y_ output f(x), u_ input, w_ memristor state, m_ memristor terminal (zero-based channel, row, column)`,
      ...(m.memristor
        ? [
            m.memristor.voltage === "x"
              ? `memristor: ${m.memristor.models[0].name} across each cell capacitor (voltage v(x)), per-instance parameters`
              : `memristor: ${m.memristor.models[0].name} on each cell output (voltage v(y), node m_ behind the 0 V sense source vm_), its current drawn from x by fm_, per-instance parameters`,
          ]
        : []),
      ...(whole
        ? []
        : [
            `tile: ${C}x${region.rows}x${region.cols} cells at origin (row ${region.row0}, column ${region.col0}) of the ${rows}x${cols} layer; node names carry layer coordinates`,
            drive
              ? `ring: ${ringCells.length} positions x ${C} channels of outputs y driven by behavioural pwl(time) sources (${drive.source}), ${drive.t.length} points each`
              : `ring: ${ringCells.length} positions x ${C} channels of outputs y LEFT UNDRIVEN (a wrong boundary, for tests)`,
            `inputs: u of the tile and its ring (${inputs.length} positions x ${Ci} channels) as sources`,
          ]),
    ],
    options: ["norefvalue noinit noacct", ...(m.memristor ? ["reltol=1e-6 trtol=1"] : [])],
    subcircuits: sub ? [sub.subckt] : [],
    elements: { [Symbol.iterator]: elements },
    saves: [...stateVectors, ...memristorVectors],
    tran: { step: tstop / points, stop: tstop, maxStep: maxStep * tau, uic: true },
    ...(options.controlRawFile === undefined
      ? {}
      : { control: controlBlock(options.controlRawFile) }),
  };
  const perMemristor = !m.memristor ? 0 : m.memristor.voltage === "x" ? 1 : 3;
  return {
    netlist,
    stateVectors,
    memristorVectors,
    tstop,
    region,
    ring: ringCells,
    inputs,
    countElements: () => {
      let n = inputs.length * Ci + (drive ? ringCells.length * C : 0);
      for (let o = 0; o < C; o++)
        for (const [i, j] of cells) n += cellElements(o, i, j).length + perMemristor;
      return n;
    },
  };
}

/** Each cell's memristor instance: the shared subcircuit, every parameter that differs set per instance. */
function memristorInstance(m: MappedLayer): {
  subckt: Subcircuit;
  elements(o: number, i: number, j: number): Element[];
} {
  const { models, w0, voltage } = m.memristor!;
  if (!SUBCIRCUIT_MODELS.includes(models[0].name))
    throw new ValidationError(
      "memristor.model",
      `no SPICE subcircuit for ${JSON.stringify(models[0].name)}`,
      SUBCIRCUIT_MODELS.join(", "),
    );
  const subckt = memristorSubcircuit(models[0]);
  const nominal = models[0].params;
  return {
    subckt,
    elements(o, i, j) {
      const k = (o * m.rows + i) * m.cols + j;
      const params: Record<string, number> = { w0: w0[k] };
      for (const [name, v] of Object.entries(models[k].params))
        if (v !== nominal[name]) params[name.toLowerCase()] = v;
      const w = nodeName("w", o, i, j);
      const name = `xm${w.slice(1)}`;
      const x = nodeName("x", o, i, j);
      if (voltage === "x")
        return [{ kind: "X", name, nodes: [x, "0", w], subckt: subckt.name, params }];
      const terminal = nodeName("m", o, i, j);
      const sense = `vm${w.slice(1)}`;
      return [
        { kind: "V", name: sense, nodes: [nodeName("y", o, i, j), terminal], dc: 0 },
        { kind: "X", name, nodes: [terminal, "0", w], subckt: subckt.name, params },
        { kind: "F", name: `fm${w.slice(1)}`, nodes: [x, "0"], control: sense, gain: 1 },
      ];
    },
  };
}

/**
 * cellspice's solution of the whole mapped layer on input u (dopri5, rtol 1e-10) at `grid` (τ,
 * from 0 to T_hw): the states x (and w), grid.length × cells.
 */
export function solveMapped(
  m: MappedLayer,
  u: Float64Array,
  grid: Float64Array,
): { t: Float64Array; x: Float64Array; w?: Float64Array; wallTimeMs: number } {
  const started = performance.now();
  const system = createMappedSystem(m, u);
  const r = solve(system, {
    method: "dopri5",
    t0: 0,
    t1: grid[grid.length - 1],
    y0: system.initialState(),
    tEval: grid,
    rtol: 1e-10,
    atol: 1e-12,
  });
  const n = mappedCells(m);
  const nt = grid.length;
  const x = new Float64Array(nt * n);
  const w = m.memristor ? new Float64Array(nt * n) : undefined;
  for (let k = 0; k < nt; k++) {
    x.set(r.y.subarray(k * r.dim, k * r.dim + n), k * n);
    w?.set(r.y.subarray(k * r.dim + n, k * r.dim + 2 * n), k * n);
  }
  return { t: grid, x, w, wallTimeMs: performance.now() - started };
}

/**
 * The ring drive of a mapped tile: each ring cell's output node follows its mapped output stage
 * V_s·f_hw(x(t)) (a stuck cell its stuck value) along cellspice's solution `x` of the whole
 * mapped layer at `t` (τ; from 0 to T_hw).
 */
export function mappedRingDrive(m: MappedLayer, t: Float64Array, x: Float64Array): RingDrive {
  const { tau, Vs } = m.scales;
  const n = mappedCells(m);
  const nt = t.length;
  const { alpha, saturation: L } = m.output;
  return {
    t: Float64Array.from(t, (s) => s * tau),
    y: (c, i, j) => {
      const p = (c * m.rows + i) * m.cols + j;
      const v = new Float64Array(nt);
      for (let k = 0; k < nt; k++) {
        const s = x[k * n + p];
        const f = m.stuck?.[p]
          ? m.stuckOutput
          : alpha * s + (1 - alpha) * Math.min(L, Math.max(-L, s));
        v[k] = Vs * f;
      }
      return v;
    },
    source: `cellspice dopri5 solution of the whole mapped layer, ${nt} report times`,
  };
}

/** The positions of a region, row by row. */
function positions(r: CellRegion): [number, number][] {
  const out: [number, number][] = [];
  for (let i = r.row0; i < r.row0 + r.rows; i++)
    for (let j = r.col0; j < r.col0 + r.cols; j++) out.push([i, j]);
  return out;
}

function sorted(p: [number, number][]): [number, number][] {
  return p.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
}
