export * from "./safetensors.js";
export * from "./unetExport.js";
