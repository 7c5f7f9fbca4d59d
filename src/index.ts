/**
 * cellspice: CellNN and memristive M-CellNN arrays with the TaOx memristor, simulated by their own
 * ODE solvers and by ngspice, compared waveform by waveform, and plotted.
 */
export * from "./cells/index.js";
export * from "./core/errors.js";
export * from "./core/longTimeout.js";
export * from "./core/spiceNumber.js";
export * from "./core/unknownFields.js";
export * from "./cosim/index.js";
export * from "./devices/index.js";
export * from "./diffusion/index.js";
export * from "./engines/index.js";
export * from "./metrics/index.js";
export * from "./plot/index.js";
export * from "./solvers/index.js";
export * from "./spice/index.js";
export * from "./spice/netlist/index.js";
export * from "./trained/index.js";
