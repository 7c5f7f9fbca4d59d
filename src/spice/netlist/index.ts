export * from "./cellArray.js";
export * from "./memristor.js";
export * from "./memristorDrive.js";
export * from "./model.js";
export * from "./nodeNames.js";
export * from "./topology.js";
