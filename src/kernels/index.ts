export * from "./choice.js";
export * from "./peakSimd.js";
export * from "./simdStage.js";
export * from "./taps3x3F32.js";
export * from "./taps3x3Simd.js";
export * from "./wasmBinary.js";
export * from "./workspace.js";
