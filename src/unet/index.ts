export * from "./engines/cell.js";
export * from "./engines/trained.js";
export * from "./forward.js";
export * from "./goldenTrajectory.js";
export * from "./layerEngine.js";
export * from "./load.js";
export * from "./trainedIntegration.js";
export * from "./unet.js";
