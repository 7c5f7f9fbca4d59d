/**
 * Incomplete LU factorisation with zero fill-in, ILU(0) (Saad, Iterative Methods for Sparse
 * Linear Systems, 2nd ed., Alg. 10.4): L and U keep the sparsity pattern of A. Used as the
 * preconditioner of GMRES for large Newton matrices W = I − γJ, which are diagonally dominant
 * for small γ and become harder as γ·‖J‖ grows.
 */
import type { CsrMatrix } from "../../core/sparse.js";

export class Ilu0 {
  /** L (unit, strictly lower part) and U (upper part incl. diagonal) in A's pattern. */
  readonly lu: Float64Array;
  private readonly diag: Int32Array;
  private readonly work: Int32Array;

  /** `pattern` must have sorted columns and every diagonal entry present. */
  constructor(private readonly pattern: CsrMatrix) {
    const n = pattern.rows;
    this.lu = new Float64Array(pattern.values.length);
    this.diag = new Int32Array(n);
    this.work = new Int32Array(n).fill(-1);
    for (let i = 0; i < n; i++) {
      this.diag[i] = -1;
      for (let p = pattern.rowPtr[i]; p < pattern.rowPtr[i + 1]; p++) {
        if (pattern.colIdx[p] === i) this.diag[i] = p;
      }
      if (this.diag[i] < 0) throw new RangeError(`Ilu0: row ${i} has no diagonal entry`);
    }
  }

  /** Factors `values` (in the pattern's layout). False on a zero or non-finite pivot. */
  factor(values: Float64Array): boolean {
    const { rowPtr, colIdx } = this.pattern;
    const { lu, diag, work } = this;
    const n = this.pattern.rows;
    lu.set(values);
    for (let i = 0; i < n; i++) {
      const start = rowPtr[i];
      const end = rowPtr[i + 1];
      for (let p = start; p < end; p++) work[colIdx[p]] = p;
      for (let p = start; p < end; p++) {
        const k = colIdx[p];
        if (k >= i) break;
        const l = lu[p] / lu[diag[k]];
        lu[p] = l;
        for (let r = diag[k] + 1; r < rowPtr[k + 1]; r++) {
          const q = work[colIdx[r]];
          if (q >= 0) lu[q] -= l * lu[r];
        }
      }
      for (let p = start; p < end; p++) work[colIdx[p]] = -1;
      const d = lu[diag[i]];
      if (d === 0 || !Number.isFinite(d)) return false;
    }
    return true;
  }

  /** x = (LU)⁻¹·b; x and b may be the same array. */
  solve(b: Float64Array, x: Float64Array): void {
    const { rowPtr, colIdx } = this.pattern;
    const { lu, diag } = this;
    const n = this.pattern.rows;
    for (let i = 0; i < n; i++) {
      let s = b[i];
      for (let p = rowPtr[i]; p < diag[i]; p++) s -= lu[p] * x[colIdx[p]];
      x[i] = s;
    }
    for (let i = n - 1; i >= 0; i--) {
      let s = x[i];
      for (let p = diag[i] + 1; p < rowPtr[i + 1]; p++) s -= lu[p] * x[colIdx[p]];
      x[i] = s / lu[diag[i]];
    }
  }
}
