import type { SolveStats } from "./types.js";

/** Zeroed counters. */
export function newStats(): SolveStats {
  return {
    steps: 0,
    rejectedSteps: 0,
    rhsEvaluations: 0,
    jacobianEvaluations: 0,
    linearSolves: 0,
    newtonIterations: 0,
  };
}
