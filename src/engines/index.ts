export * from "./ngspice.js";
export * from "./trajectory.js";
export * from "./typescript.js";
