export * from "./atomicWrite.js";
export * from "./describe.js";
export * from "./figures.js";
export * from "./fromCosim.js";
export * from "./layerCosim.js";
export * from "./memristorTraces.js";
export * from "./writeCosim.js";
export * from "./writeFigures.js";
