import { sourceIndex } from "../../cells/boundary.js";
import type { CellArray } from "../../cells/spec.js";
import { formatSpiceNumber as num } from "../../core/spiceNumber.js";
import { type Element, wrap } from "./model.js";
import { nodeName } from "./nodeNames.js";

/**
 * The circuit of one cell (c, i, j), DESIGN.md 3, as the building blocks that every netlist of
 * cellspice is made of (whole arrays, tiles, and the hardware module's mapped cells):
 *
 *   capacitor and resistor   C = τ/R and R from x to ground, x(0) as the capacitor's ic
 *   output source            y = V_s·f(v(x)/V_s), a behavioural voltage source
 *   template sources         (A/R)·v(y_q) and (B/R)·v(u_q) into x: one VCCS per coefficient
 *                            ("vccs") or one behavioural current source ("behavioral")
 *   constant source          (z + fixed-boundary virtual cells [+ B ⋆ u when folded])·V_s/R
 *
 * Nodes are named by their cell in the whole array (nodeNames.ts), so a tile's nodes carry
 * their layer coordinates.
 */
export interface CellCircuitContext {
  readonly array: CellArray;
  readonly templateForm: "vccs" | "behavioral";
  /** B ⋆ u + z per cell when the input is folded into one current source per cell. */
  readonly folded?: Float64Array;
}

const x = (c: number, i: number, j: number) => nodeName("x", c, i, j);
const y = (c: number, i: number, j: number) => nodeName("y", c, i, j);
const u = (c: number, i: number, j: number) => nodeName("u", c, i, j);

/** V_s·f(v(node)/V_s) as an ngspice expression (standard or leaky output). */
export function outputExpression(array: CellArray, node: string): string {
  const Vs = array.scales.Vs;
  const sat = `0.5*(abs(v(${node})+${num(Vs)})-abs(v(${node})-${num(Vs)}))`;
  if (array.output.kind === "standard") return sat;
  const alpha = array.output.alpha;
  return `${num(alpha)}*v(${node})+${num(1 - alpha)}*${sat}`;
}

/** The input node u_c_i_j as a voltage source V_s·u. */
export function inputSource(array: CellArray, c: number, i: number, j: number): Element {
  return {
    kind: "V",
    name: `v${u(c, i, j)}`,
    nodes: [u(c, i, j), "0"],
    dc: array.scales.Vs * array.input[(c * array.rows + i) * array.cols + j],
  };
}

/** The elements of cell (c, i, j): capacitor, resistor, output source, template and bias sources. */
export function cellElements(ctx: CellCircuitContext, c: number, i: number, j: number): Element[] {
  const { array, folded } = ctx;
  const { channels, inputChannels, rows, cols, boundary, A, B } = array;
  const { tau, Vs, R } = array.scales;
  const yFixed = boundary.kind === "fixed" ? boundary.y : 0;
  const uFixed = boundary.kind === "fixed" ? boundary.u : 0;
  const p = (c * rows + i) * cols + j;
  const node = x(c, i, j);
  const elements: Element[] = [
    { kind: "C", name: `c${node}`, nodes: [node, "0"], value: tau / R, ic: Vs * array.x0[p] },
    { kind: "R", name: `r${node}`, nodes: [node, "0"], value: R },
    {
      kind: "BV",
      name: `b${y(c, i, j)}`,
      nodes: [y(c, i, j), "0"],
      expr: outputExpression(array, node),
    },
  ];
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
  if (ctx.templateForm === "vccs") {
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
    elements.push({ kind: "I", name: `i${node}`, nodes: ["0", node], dc: (constant * Vs) / R });
  return elements;
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

/**
 * A piecewise-linear function of time as a behavioural expression, `pwl(time, t0, v0, …)`,
 * continued on `+` lines. [choice] A behavioural source rather than a PWL voltage source: ngspice
 * makes every corner of a PWL source a breakpoint and restarts its step control there, which on
 * a trained-layer tile with 200 corners took 887 time points and 11.1 s against 111 points and
 * 2.1 s for the same tile and the same final states (1.6e-5 against 1.7e-5 from cellspice;
 * up1.block1 of the CellNN fixture, 3×3 tile, max step 1e-2 τ). Values between corners are the
 * same linear interpolation.
 */
export function pwlExpression(t: ArrayLike<number>, v: ArrayLike<number>): string {
  if (t.length !== v.length || t.length < 2) {
    throw new RangeError(
      `pwl needs as many values as times, at least 2 (got ${t.length}, ${v.length})`,
    );
  }
  const pairs: string[] = [];
  for (let k = 0; k < t.length; k++)
    pairs.push(`${num(t[k])},${num(v[k])}${k + 1 < t.length ? "," : ""}`);
  return wrap("pwl(time,", pairs).join("\n").concat(")");
}
