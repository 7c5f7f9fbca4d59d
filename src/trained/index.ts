export * from "./safetensors.js";
export * from "./unetExport.js";
export * from "./exportDir.js";
export * from "./crop.js";
