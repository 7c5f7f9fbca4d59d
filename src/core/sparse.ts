/**
 * Compressed sparse row matrix, the shared form of Jacobians (CellNN stencils, memristor
 * couplings) handed from a model to the implicit solver. Column indices are sorted within a row.
 */
export interface CsrMatrix {
  readonly rows: number;
  readonly cols: number;
  /** rowPtr[i]..rowPtr[i+1] indexes row i's entries; length rows + 1. */
  readonly rowPtr: Int32Array;
  readonly colIdx: Int32Array;
  readonly values: Float64Array;
}

/** y = M·x. */
export function csrMultiply(m: CsrMatrix, x: Float64Array, y: Float64Array): void {
  for (let i = 0; i < m.rows; i++) {
    let s = 0;
    for (let p = m.rowPtr[i]; p < m.rowPtr[i + 1]; p++) s += m.values[p] * x[m.colIdx[p]];
    y[i] = s;
  }
}
