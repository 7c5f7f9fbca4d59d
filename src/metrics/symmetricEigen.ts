import { EigenvalueDecomposition, Matrix } from "ml-matrix";

/**
 * The eigendecomposition A = V diag(λ) Vᵀ of a real symmetric matrix (d × d, row-major), by
 * ml-matrix's `EigenvalueDecomposition` with `assumeSymmetric` (Householder tridiagonalisation
 * and the implicit QL algorithm, as JAMA / EISPACK tred2 + tql2). The only place cellspice calls
 * that library.
 */
export interface SymmetricEigen {
  readonly d: number;
  /** λ, ascending. */
  readonly values: Float64Array;
  /** V, row-major: column k (`vectors[i·d + k]`, i = 0…d−1) is the unit eigenvector of λ_k. */
  readonly vectors: Float64Array;
}

export function symmetricEigen(a: Float64Array, d: number): SymmetricEigen {
  const evd = new EigenvalueDecomposition(Matrix.from1DArray(d, d, a), { assumeSymmetric: true });
  const values = Float64Array.from(evd.realEigenvalues);
  const v = evd.eigenvectorMatrix;
  const vectors = new Float64Array(d * d);
  for (let i = 0; i < d; i++) for (let k = 0; k < d; k++) vectors[i * d + k] = v.get(i, k);
  return { d, values, vectors };
}
