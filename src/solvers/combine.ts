/** The solvers' stage sums (src/core/combine.ts, where the kernels that share its bits can reach it). */
export { combineInto } from "../core/combine.js";
