/**
 * Types for the `odex` package (Hairer's ODEX in JavaScript). The package ships its TypeScript
 * source, which does not compile under this project's strict settings, so odex.ts loads the
 * package's CommonJS build with require and types it with this declaration, and the compiler
 * never resolves the name "odex". Only what the adapter uses is declared.
 */

/** F(x, y) → y′ as a new or reused array of length n. */
export type Derivative = (x: number, y: number[]) => number[];

/**
 * Called after each accepted step on [xOld, x]; `dense(c, t)` interpolates component c at t in
 * that interval when `denseOutput` is set. Returning false stops the integration.
 */
export type OutputFunction = (
  nr: number,
  xOld: number,
  x: number,
  y: number[],
  dense?: (c: number, t: number) => number,
) => boolean | undefined;

/** 0 converged, 1 too many steps, 2 stopped by the output function. */
export type OutcomeCode = 0 | 1 | 2;

export declare class Solver {
  constructor(n: number);
  n: number;
  maxSteps: number;
  initialStepSize: number;
  maxStepSize: number;
  denseOutput: boolean;
  relativeTolerance: number | number[];
  absoluteTolerance: number | number[];
  solve(
    f: Derivative,
    x: number,
    y0: number[],
    xEnd: number,
    solOut?: OutputFunction,
  ): {
    y: number[];
    outcome: OutcomeCode;
    nStep: number;
    xEnd: number;
    nAccept: number;
    nReject: number;
    nEval: number;
  };
}
