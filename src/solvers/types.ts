import type { SolverVectors } from "../core/solverVectors.js";
import type { CsrMatrix } from "../core/sparse.js";

/**
 * An autonomous or time-dependent ODE system dy/dt = F(t, y) on Float64Array storage.
 * `rhs` writes F(t, y) into `dydt` in place and must not allocate.
 */
export interface OdeSystem {
  readonly dim: number;
  rhs(t: number, y: Float64Array, dydt: Float64Array): void;
  /**
   * Optional analytic Jacobian ∂F/∂y at (t, y) as a CSR matrix with a sparsity pattern that does
   * not change between calls. Implicit solvers use it when given and fall back to finite
   * differences otherwise.
   */
  jacobian?(t: number, y: Float64Array): CsrMatrix;
  /**
   * Optional: `count` work vectors of `length` values where this system's right-hand side runs
   * fastest (a system whose kernels keep their operands in a WebAssembly memory hands out views
   * of that memory, so that rhs needs no copies), with combineInto on them; null if it cannot.
   * DOPRI5 asks for its vectors here before it takes its own (src/core/solverVectors.ts).
   */
  workVectors?(count: number, length: number): SolverVectors | null;
  /**
   * Optional: the state is this many equal blocks, independent systems solved in lockstep (one
   * step size for all). The adaptive solvers then take as error norm the largest of the blocks'
   * weighted RMS norms, so that every block meets the tolerance it would meet in a solve of its
   * own (its steps are the smallest any block needs). Default 1: one RMS over the whole state.
   */
  readonly errorBlocks?: number;
}

export type SolverMethod = "euler" | "rk4" | "dopri5" | "odex" | "implicit";

export interface SolveOptions {
  method: SolverMethod;
  /** Start and end time (t1 > t0, both finite). */
  t0: number;
  t1: number;
  y0: Float64Array;
  /**
   * Times at which the solution is reported, increasing, within [t0, t1]. Default: fixed-step
   * methods report every step; adaptive methods report [t0, t1].
   */
  tEval?: ArrayLike<number>;
  /** Fixed-step methods: the step (the paper's preset is Euler with dt = 0.01 over T = 1). */
  dt?: number;
  /** Adaptive methods: relative and absolute tolerance (per component). */
  rtol?: number;
  atol?: number;
  /** Adaptive methods: initial step (default: estimated), largest step, smallest step. */
  h0?: number;
  hMax?: number;
  hMin?: number;
  /** Step limit before a SolverError("too-many-steps"); default 1e6. */
  maxSteps?: number;
  /**
   * Implicit method: how Newton's linear systems are solved. "dense": LU with partial
   * pivoting; "gmres": GMRES with an ILU(0) preconditioner (Jacobian-free without
   * system.jacobian); "auto" (default): dense up to 1000 unknowns, else gmres.
   */
  linearSolver?: LinearSolverKind;
}

export type LinearSolverKind = "auto" | "dense" | "gmres";

export interface SolveStats {
  steps: number;
  rejectedSteps: number;
  rhsEvaluations: number;
  jacobianEvaluations: number;
  linearSolves: number;
  newtonIterations: number;
  /** Implicit method with GMRES: Krylov iterations summed over all linear solves. */
  krylovIterations?: number;
}

export interface SolveResult {
  method: SolverMethod;
  /** The reported times (length nt). */
  t: Float64Array;
  /** The states, row-major nt × dim: state k is y.subarray(k·dim, (k+1)·dim). */
  y: Float64Array;
  dim: number;
  stats: SolveStats;
  /** The tolerances or step actually used. */
  settings: { rtol?: number; atol?: number; dt?: number };
}
