/**
 * The Newton iteration matrix W = I − γ·J of an implicit method, J = ∂F/∂y: how it is
 * obtained (the system's CSR Jacobian, or finite differences) and how W·x = b is solved.
 */
import { type CsrMatrix, csrMultiply } from "../core/sparse.js";
import { luFactor, luSolve } from "./linear/denseLu.js";
import { Gmres, norm2 } from "./linear/gmres.js";
import { Ilu0 } from "./linear/ilu0.js";
import type { LinearSolverKind, OdeSystem, SolveStats } from "./types.js";

/** Up to this many unknowns, "auto" factors W densely. */
export const DENSE_LIMIT = 1000;
/**
 * GMRES: restart length, relative residual target, iteration cap per solve, and the residual
 * below which a solve that hit the cap still counts (an inexact Newton step is still a useful
 * one; the Newton convergence test decides). 1e-7 is above the noise of a finite-difference
 * J·v (about √ε), so the matrix-free path does not stagnate against its own rounding.
 */
const GMRES_RESTART = 30;
const GMRES_TOL = 1e-7;
const GMRES_MAX_ITERATIONS = 150;
const GMRES_ACCEPT = 1e-3;

export interface NewtonMatrix {
  /** Evaluates and stores J at (t, y); f = F(t, y) (used by finite differences). */
  updateJacobian(t: number, y: Float64Array, f: Float64Array): void;
  /** Forms and factors W = I − γ·J from the stored J; false if W is singular. */
  factor(gamma: number): boolean;
  /** Solves W·x = b in place with the last factorisation; false if an iterative solve stalled. */
  solve(b: Float64Array): boolean;
}

/**
 * "dense": LU of a dense W (J from the CSR Jacobian or finite differences). "gmres": GMRES,
 * preconditioned by ILU(0) of W in CSR form when the system has a Jacobian, else matrix-free
 * (J·v by a finite difference of F, no preconditioner). "auto": dense up to DENSE_LIMIT unknowns.
 */
export function makeNewtonMatrix(
  system: OdeSystem,
  stats: SolveStats,
  kind: LinearSolverKind = "auto",
): NewtonMatrix {
  const dense = kind === "dense" || (kind === "auto" && system.dim <= DENSE_LIMIT);
  if (dense) return new DenseNewtonMatrix(system, stats);
  return system.jacobian
    ? new SparseNewtonMatrix(system, stats)
    : new MatrixFreeNewtonMatrix(system, stats);
}

/** Copies a CSR matrix into a zeroed dense row-major n×n array. */
export function csrToDense(m: CsrMatrix, out: Float64Array): void {
  out.fill(0);
  const n = m.cols;
  for (let i = 0; i < m.rows; i++) {
    for (let p = m.rowPtr[i]; p < m.rowPtr[i + 1]; p++) out[i * n + m.colIdx[p]] += m.values[p];
  }
}

/**
 * Dense J and LU of W (O(n²) memory, O(n³) per factorisation): for systems up to about a
 * thousand unknowns. Finite differences perturb one component at a time by
 * δ_j = √(ε·max(10⁻⁵, |y_j|)) (the increment of Hairer's RADAU5), n evaluations of F.
 */
export class DenseNewtonMatrix implements NewtonMatrix {
  private readonly n: number;
  private readonly jac: Float64Array;
  private readonly w: Float64Array;
  private readonly piv: Int32Array;
  private readonly yPert: Float64Array;
  private readonly fPert: Float64Array;

  constructor(
    private readonly system: OdeSystem,
    private readonly stats: SolveStats,
  ) {
    const n = system.dim;
    this.n = n;
    this.jac = new Float64Array(n * n);
    this.w = new Float64Array(n * n);
    this.piv = new Int32Array(n);
    this.yPert = new Float64Array(n);
    this.fPert = new Float64Array(n);
  }

  updateJacobian(t: number, y: Float64Array, f: Float64Array): void {
    const { n, jac, system } = this;
    this.stats.jacobianEvaluations++;
    if (system.jacobian) {
      csrToDense(system.jacobian(t, y), jac);
      return;
    }
    const yp = this.yPert;
    const fp = this.fPert;
    yp.set(y);
    for (let j = 0; j < n; j++) {
      const yj = y[j];
      const delta = Math.sqrt(Number.EPSILON * Math.max(1e-5, Math.abs(yj)));
      yp[j] = yj + delta;
      const dj = yp[j] - yj;
      system.rhs(t, yp, fp);
      this.stats.rhsEvaluations++;
      for (let i = 0; i < n; i++) jac[i * n + j] = (fp[i] - f[i]) / dj;
      yp[j] = yj;
    }
  }

  factor(gamma: number): boolean {
    const { n, jac, w } = this;
    for (let k = 0; k < n * n; k++) w[k] = -gamma * jac[k];
    for (let i = 0; i < n; i++) w[i * n + i] += 1;
    return luFactor(w, n, this.piv);
  }

  solve(b: Float64Array): boolean {
    luSolve(this.w, this.n, this.piv, b);
    this.stats.linearSolves++;
    return true;
  }
}

/**
 * W = I − γJ in CSR (J's pattern plus the diagonal), solved by GMRES with an ILU(0)
 * preconditioner: O(nnz) memory and work per iteration, for large stencil Jacobians such as a
 * CellNN array's (3×3 neighbourhood over channels plus per-cell memristor blocks).
 */
export class SparseNewtonMatrix implements NewtonMatrix {
  private w: CsrMatrix | null = null;
  private ilu: Ilu0 | null = null;
  /** Position in W of each entry of J, and of each diagonal entry. */
  private jMap = new Int32Array(0);
  private diag = new Int32Array(0);
  private jValues = new Float64Array(0);
  private readonly gmres: Gmres;
  private readonly x: Float64Array;

  constructor(
    private readonly system: OdeSystem,
    private readonly stats: SolveStats,
  ) {
    this.gmres = new Gmres(system.dim, GMRES_RESTART);
    this.x = new Float64Array(system.dim);
  }

  /** Builds W's pattern (J's pattern with the diagonal added) from the first Jacobian. */
  private buildPattern(j: CsrMatrix): void {
    const n = this.system.dim;
    const rowPtr = new Int32Array(n + 1);
    const cols: number[] = [];
    this.jMap = new Int32Array(j.colIdx.length);
    this.diag = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      rowPtr[i] = cols.length;
      let diagDone = false;
      for (let p = j.rowPtr[i]; p < j.rowPtr[i + 1]; p++) {
        const c = j.colIdx[p];
        if (!diagDone && c >= i) {
          this.diag[i] = cols.length;
          if (c !== i) cols.push(i);
          diagDone = true;
        }
        this.jMap[p] = cols.length;
        cols.push(c);
      }
      if (!diagDone) {
        this.diag[i] = cols.length;
        cols.push(i);
      }
    }
    rowPtr[n] = cols.length;
    const colIdx = Int32Array.from(cols);
    this.w = { rows: n, cols: n, rowPtr, colIdx, values: new Float64Array(cols.length) };
    this.ilu = new Ilu0(this.w);
    this.jValues = new Float64Array(j.values.length);
  }

  updateJacobian(t: number, y: Float64Array): void {
    this.stats.jacobianEvaluations++;
    const j = this.system.jacobian!(t, y);
    if (!this.w || j.colIdx.length !== this.jMap.length) this.buildPattern(j);
    this.jValues.set(j.values);
  }

  factor(gamma: number): boolean {
    const w = this.w!;
    const vals = w.values;
    vals.fill(0);
    for (let i = 0; i < this.diag.length; i++) vals[this.diag[i]] = 1;
    const jv = this.jValues;
    for (let p = 0; p < jv.length; p++) vals[this.jMap[p]] -= gamma * jv[p];
    return this.ilu!.factor(vals);
  }

  private readonly apply = (x: Float64Array, out: Float64Array) => csrMultiply(this.w!, x, out);
  private readonly precondition = (r: Float64Array, z: Float64Array) => this.ilu!.solve(r, z);

  solve(b: Float64Array): boolean {
    const x = this.x;
    this.ilu!.solve(b, x); // the preconditioner's answer is the initial guess
    const res = this.gmres.solve(
      this.apply,
      this.precondition,
      b,
      x,
      GMRES_TOL,
      GMRES_MAX_ITERATIONS,
    );
    b.set(x);
    this.stats.linearSolves++;
    this.stats.krylovIterations = (this.stats.krylovIterations ?? 0) + res.iterations;
    return res.converged || res.relativeResidual < GMRES_ACCEPT;
  }
}

/**
 * Jacobian-free W for large systems without a Jacobian: W·v = v − γ·(F(t_J, y_J + εv) − F(t_J, y_J))/ε
 * at the point (t_J, y_J) of the last updateJacobian, ε = √ε_mach·(1 + ‖y_J‖)/‖v‖; GMRES without
 * a preconditioner (one evaluation of F per Krylov iteration).
 */
export class MatrixFreeNewtonMatrix implements NewtonMatrix {
  private tJ = 0;
  private gamma = 0;
  private readonly yJ: Float64Array;
  private readonly fJ: Float64Array;
  private readonly yp: Float64Array;
  private readonly fp: Float64Array;
  private readonly x: Float64Array;
  private readonly gmres: Gmres;

  constructor(
    private readonly system: OdeSystem,
    private readonly stats: SolveStats,
  ) {
    const n = system.dim;
    this.yJ = new Float64Array(n);
    this.fJ = new Float64Array(n);
    this.yp = new Float64Array(n);
    this.fp = new Float64Array(n);
    this.x = new Float64Array(n);
    this.gmres = new Gmres(n, GMRES_RESTART);
  }

  updateJacobian(t: number, y: Float64Array, f: Float64Array): void {
    this.stats.jacobianEvaluations++;
    this.tJ = t;
    this.yJ.set(y);
    this.fJ.set(f);
  }

  factor(gamma: number): boolean {
    this.gamma = gamma;
    return true;
  }

  private readonly apply = (v: Float64Array, out: Float64Array) => {
    const { yJ, fJ, yp, fp, gamma } = this;
    const nv = norm2(v);
    if (nv === 0) {
      out.fill(0);
      return;
    }
    const eps = (Math.sqrt(Number.EPSILON) * (1 + norm2(yJ))) / nv;
    for (let i = 0; i < v.length; i++) yp[i] = yJ[i] + eps * v[i];
    this.system.rhs(this.tJ, yp, fp);
    this.stats.rhsEvaluations++;
    for (let i = 0; i < v.length; i++) out[i] = v[i] - (gamma * (fp[i] - fJ[i])) / eps;
  };

  solve(b: Float64Array): boolean {
    const x = this.x;
    x.set(b);
    const res = this.gmres.solve(this.apply, null, b, x, GMRES_TOL, GMRES_MAX_ITERATIONS);
    b.set(x);
    this.stats.linearSolves++;
    this.stats.krylovIterations = (this.stats.krylovIterations ?? 0) + res.iterations;
    return res.converged || res.relativeResidual < GMRES_ACCEPT;
  }
}
