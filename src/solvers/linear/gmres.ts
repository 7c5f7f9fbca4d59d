/**
 * Restarted GMRES(m) with right preconditioning (Saad & Schultz 1986; Saad, Iterative Methods
 * for Sparse Linear Systems, Alg. 9.5): Arnoldi with modified Gram–Schmidt, Givens rotations
 * for the small least-squares problem. All work arrays are allocated once per solver.
 */

/** y = A·x. */
export type LinearOperator = (x: Float64Array, y: Float64Array) => void;
/** z = M⁻¹·r (z and r distinct). */
export type Preconditioner = (r: Float64Array, z: Float64Array) => void;

export interface GmresResult {
  converged: boolean;
  iterations: number;
  /** Final residual ‖b − A·x‖₂ / ‖b‖₂. */
  relativeResidual: number;
}

export class Gmres {
  private readonly v: Float64Array[];
  private readonly h: Float64Array;
  private readonly cs: Float64Array;
  private readonly sn: Float64Array;
  private readonly g: Float64Array;
  private readonly yk: Float64Array;
  private readonly w: Float64Array;
  private readonly z: Float64Array;
  private readonly r: Float64Array;

  constructor(
    private readonly n: number,
    private readonly restart = 30,
  ) {
    const m = restart;
    this.v = Array.from({ length: m + 1 }, () => new Float64Array(n));
    this.h = new Float64Array((m + 1) * m);
    this.cs = new Float64Array(m);
    this.sn = new Float64Array(m);
    this.g = new Float64Array(m + 1);
    this.yk = new Float64Array(m);
    this.w = new Float64Array(n);
    this.z = new Float64Array(n);
    this.r = new Float64Array(n);
  }

  /**
   * Solves A·x = b from the initial guess in x (overwritten with the solution) until
   * ‖b − A·x‖₂ ≤ tol·‖b‖₂ or maxIterations Arnoldi steps.
   */
  solve(
    apply: LinearOperator,
    precondition: Preconditioner | null,
    b: Float64Array,
    x: Float64Array,
    tol: number,
    maxIterations: number,
  ): GmresResult {
    const { n, restart: m, v, h, cs, sn, g, yk, w, z, r } = this;
    const bNorm = norm2(b);
    if (bNorm === 0) {
      x.fill(0);
      return { converged: true, iterations: 0, relativeResidual: 0 };
    }
    let iterations = 0;
    let rel = Number.POSITIVE_INFINITY;
    while (iterations < maxIterations) {
      apply(x, r);
      for (let i = 0; i < n; i++) r[i] = b[i] - r[i];
      let beta = norm2(r);
      rel = beta / bNorm;
      if (!(rel > tol))
        return { converged: Number.isFinite(rel), iterations, relativeResidual: rel };
      const v0 = v[0];
      for (let i = 0; i < n; i++) v0[i] = r[i] / beta;
      g.fill(0);
      g[0] = beta;
      let k = 0;
      for (; k < m && iterations < maxIterations; k++) {
        iterations++;
        // w = A·M⁻¹·v_k
        if (precondition) {
          precondition(v[k], z);
          apply(z, w);
        } else apply(v[k], w);
        for (let j = 0; j <= k; j++) {
          const vj = v[j];
          let s = 0;
          for (let i = 0; i < n; i++) s += w[i] * vj[i];
          h[j * m + k] = s;
          for (let i = 0; i < n; i++) w[i] -= s * vj[i];
        }
        const hn = norm2(w);
        h[(k + 1) * m + k] = hn;
        if (hn > 0) {
          const vk1 = v[k + 1];
          for (let i = 0; i < n; i++) vk1[i] = w[i] / hn;
        }
        for (let j = 0; j < k; j++) {
          const a = h[j * m + k];
          const c = h[(j + 1) * m + k];
          h[j * m + k] = cs[j] * a + sn[j] * c;
          h[(j + 1) * m + k] = -sn[j] * a + cs[j] * c;
        }
        const a = h[k * m + k];
        const c = h[(k + 1) * m + k];
        const d = Math.hypot(a, c);
        cs[k] = d === 0 ? 1 : a / d;
        sn[k] = d === 0 ? 0 : c / d;
        h[k * m + k] = d;
        h[(k + 1) * m + k] = 0;
        g[k + 1] = -sn[k] * g[k];
        g[k] = cs[k] * g[k];
        beta = Math.abs(g[k + 1]);
        rel = beta / bNorm;
        if (!(rel > tol) || hn === 0) {
          k++;
          break;
        }
      }
      // x += M⁻¹·V_k·y, with y solving the k×k upper triangular system H·y = g.
      for (let i = k - 1; i >= 0; i--) {
        let s = g[i];
        for (let j = i + 1; j < k; j++) s -= h[i * m + j] * yk[j];
        yk[i] = s / h[i * m + i];
      }
      w.fill(0);
      for (let j = 0; j < k; j++) {
        const vj = v[j];
        const yj = yk[j];
        for (let i = 0; i < n; i++) w[i] += yj * vj[i];
      }
      if (precondition) {
        precondition(w, z);
        for (let i = 0; i < n; i++) x[i] += z[i];
      } else for (let i = 0; i < n; i++) x[i] += w[i];
      if (!Number.isFinite(rel)) break;
      if (!(rel > tol)) {
        apply(x, r);
        for (let i = 0; i < n; i++) r[i] = b[i] - r[i];
        rel = norm2(r) / bNorm;
        if (!(rel > 10 * tol)) return { converged: true, iterations, relativeResidual: rel };
      }
    }
    return { converged: false, iterations, relativeResidual: rel };
  }
}

export function norm2(x: Float64Array): number {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += x[i] * x[i];
  return Math.sqrt(s);
}
