/** The kernel choice (CELLSPICE_KERNEL), defined in core so that the solvers can read it too. */
export * from "../core/kernelChoice.js";
