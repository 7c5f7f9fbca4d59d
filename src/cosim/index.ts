export * from "./cosim.js";
export * from "./metrics.js";
export * from "./resample.js";
export * from "./switching.js";
