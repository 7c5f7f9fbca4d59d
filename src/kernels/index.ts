export * from "../core/wasmBinary.js";
export * from "./choice.js";
export * from "./correlate3x3F32.js";
export * from "./peakSimd.js";
export * from "./simdLanes.js";
export * from "./simdStage.js";
export * from "./taps3x3Simd.js";
export * from "./workspace.js";
