export * from "./diagnostics.js";
export * from "./errors.js";
export * from "./raw.js";
export * from "./runner.js";
export * from "./version.js";
