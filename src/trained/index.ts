export * from "./crop.js";
export * from "./exportDir.js";
export * from "./safetensors.js";
export * from "./unetExport.js";
