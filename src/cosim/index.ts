export * from "./cosim.js";
export * from "./layerCosim.js";
export * from "./metrics.js";
export * from "./resample.js";
export * from "./switching.js";
export * from "./tileRun.js";
export * from "./tiles.js";
