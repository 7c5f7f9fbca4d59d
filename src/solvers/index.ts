export { DOPRI5 } from "./dopri5.js";
export type { StateSummary } from "./failure.js";
export { EULER, type ExplicitTableau, RK4, stepGrid } from "./fixedStep.js";
export { DENSE_LIMIT } from "./newtonMatrix.js";
export { solve } from "./solve.js";
export type {
  LinearSolverKind,
  OdeSystem,
  SolveOptions,
  SolveResult,
  SolverMethod,
  SolveStats,
} from "./types.js";
export { DEFAULT_ATOL, DEFAULT_MAX_STEPS, DEFAULT_RTOL, SOLVER_METHODS } from "./validate.js";
