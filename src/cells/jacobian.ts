import type { CsrMatrix } from "../core/sparse.js";
import { sourceIndex } from "./boundary.js";
import { applyOutput, outputDerivative } from "./output.js";
import { type CellArray, cellCount } from "./spec.js";

/**
 * The sparsity pattern of an array's Jacobian and, for every non-zero A coefficient tap, where
 * it lands. Built once; `updateJacobian` then only writes values.
 *
 *   ∂(dx_p/dt)/∂x_q = −δ_pq + Σ_taps A[tap]·f'(x_q)     (taps reaching q from p, boundary-aware)
 *   M-CellNN adds, with v_p = V_s·x_p (or V_s·f(x_p)) and s = R/V_s:
 *   ∂(dx_p/dt)/∂x_p −= s·∂i/∂v·dv/dx,   ∂(dx_p/dt)/∂w_p = −s·∂i/∂w
 *   ∂(dw_p/dt)/∂x_p = τ·∂g/∂v·dv/dx,   ∂(dw_p/dt)/∂w_p = τ·∂g/∂w
 */
export interface JacobianPattern {
  readonly matrix: CsrMatrix;
  readonly diagPos: Int32Array;
  readonly tapPos: Int32Array;
  readonly tapCoef: Int32Array;
  readonly tapCol: Int32Array;
  /** M-CellNN only: positions of (x_p, w_p), (w_p, x_p), (w_p, w_p). */
  readonly xwPos?: Int32Array;
  readonly wxPos?: Int32Array;
  readonly wwPos?: Int32Array;
  readonly fprime: Float64Array;
  readonly partials: Float64Array;
}

export function buildJacobianPattern(array: CellArray): JacobianPattern {
  const { channels, rows, cols, boundary, A } = array;
  const n = cellCount(array);
  const dim = array.memristor ? 2 * n : n;
  const k = A.size;
  const r = (k - 1) / 2;
  const rowCols: Map<number, number>[] = [];
  const taps: number[] = []; // triples (row, coefficient index, column)
  for (let c = 0; c < channels; c++) {
    for (let i = 0; i < rows; i++) {
      for (let j = 0; j < cols; j++) {
        const p = (c * rows + i) * cols + j;
        const cells = new Map<number, number>([[p, 0]]);
        if (array.memristor) cells.set(n + p, 0);
        for (let c2 = 0; c2 < channels; c2++) {
          for (let dk = 0; dk < k; dk++) {
            const si = sourceIndex(boundary, i + dk - r, rows);
            if (si < 0) continue;
            for (let dl = 0; dl < k; dl++) {
              const coef = ((c * channels + c2) * k + dk) * k + dl;
              if (A.data[coef] === 0) continue;
              const sj = sourceIndex(boundary, j + dl - r, cols);
              if (sj < 0) continue;
              const q = (c2 * rows + si) * cols + sj;
              cells.set(q, 0);
              taps.push(p, coef, q);
            }
          }
        }
        rowCols.push(cells);
      }
    }
  }
  if (array.memristor) {
    for (let p = 0; p < n; p++)
      rowCols.push(
        new Map([
          [p, 0],
          [n + p, 0],
        ]),
      );
  }
  const rowPtr = new Int32Array(dim + 1);
  let nnz = 0;
  for (let p = 0; p < dim; p++) {
    nnz += rowCols[p].size;
    rowPtr[p + 1] = nnz;
  }
  const colIdx = new Int32Array(nnz);
  for (let p = 0; p < dim; p++) {
    const sorted = [...rowCols[p].keys()].sort((a, b) => a - b);
    sorted.forEach((q, s) => {
      colIdx[rowPtr[p] + s] = q;
      rowCols[p].set(q, rowPtr[p] + s);
    });
  }
  const at = (p: number, q: number) => rowCols[p].get(q) as number;
  const tapCount = taps.length / 3;
  const tapPos = new Int32Array(tapCount);
  const tapCoef = new Int32Array(tapCount);
  const tapCol = new Int32Array(tapCount);
  for (let t = 0; t < tapCount; t++) {
    tapPos[t] = at(taps[3 * t], taps[3 * t + 2]);
    tapCoef[t] = taps[3 * t + 1];
    tapCol[t] = taps[3 * t + 2];
  }
  const diagPos = Int32Array.from({ length: n }, (_, p) => at(p, p));
  const pattern: JacobianPattern = {
    matrix: { rows: dim, cols: dim, rowPtr, colIdx, values: new Float64Array(nnz) },
    diagPos,
    tapPos,
    tapCoef,
    tapCol,
    fprime: new Float64Array(n),
    partials: new Float64Array(4),
  };
  if (!array.memristor) return pattern;
  return {
    ...pattern,
    xwPos: Int32Array.from({ length: n }, (_, p) => at(p, n + p)),
    wxPos: Int32Array.from({ length: n }, (_, p) => at(n + p, p)),
    wwPos: Int32Array.from({ length: n }, (_, p) => at(n + p, n + p)),
  };
}

/** Writes the Jacobian at `state` into the pattern's matrix and returns it. */
export function updateJacobian(
  pattern: JacobianPattern,
  array: CellArray,
  state: Float64Array,
): CsrMatrix {
  const n = pattern.diagPos.length;
  const { values } = pattern.matrix;
  const { fprime, tapPos, tapCoef, tapCol } = pattern;
  const A = array.A.data;
  values.fill(0);
  for (let p = 0; p < n; p++) fprime[p] = outputDerivative(array.output, state[p]);
  for (let p = 0; p < n; p++) values[pattern.diagPos[p]] = -1;
  for (let t = 0; t < tapPos.length; t++) values[tapPos[t]] += A[tapCoef[t]] * fprime[tapCol[t]];
  const m = array.memristor;
  if (!m || !pattern.xwPos || !pattern.wxPos || !pattern.wwPos) return pattern.matrix;
  const { tau, Vs, R } = array.scales;
  const s = R / Vs;
  const d = pattern.partials; // [∂i/∂w, ∂i/∂v, ∂g/∂w, ∂g/∂v]
  const useY = m.voltage === "y";
  for (let p = 0; p < n; p++) {
    const x = state[p];
    const v = Vs * (useY ? applyOutput(array.output, x) : x);
    const dvdx = Vs * (useY ? fprime[p] : 1);
    m.model.partials(state[n + p], v, d);
    values[pattern.diagPos[p]] -= s * d[1] * dvdx;
    values[pattern.xwPos[p]] = -s * d[0];
    values[pattern.wxPos[p]] = tau * d[3] * dvdx;
    values[pattern.wwPos[p]] = tau * d[2];
  }
  return pattern.matrix;
}
