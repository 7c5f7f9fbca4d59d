export {
  constantVoltage,
  driveWaveforms,
  memristorDriveSystem,
  sinusoid,
  type VoltageDrive,
} from "./drive.js";
export { hysteresisLoopArea, type LoopArea } from "./loopArea.js";
export { loadMemristorFile, type MemristorFile, parseMemristorFile } from "./modelFile.js";
export { onSwitchingTime } from "./onSwitching.js";
export {
  createMemristor,
  MEMRISTOR_MODELS,
  type MemristorEntry,
  memristorEntry,
  memristorModelNames,
} from "./registry.js";
export {
  logistic,
  sinhFactor,
  smoothStep,
  softCap,
  softplus,
} from "./smoothKernels.js";
export {
  createStrachan,
  STRACHAN_NAME,
  strachanConductance,
  strachanCurrent,
  strachanOffRate,
  strachanOnRate,
  strachanPartials,
  strachanStateRate,
} from "./strachan.js";
export {
  SMOOTHING_PARAMS,
  STRACHAN_PARAMS,
  STRACHAN_SMOOTH_PARAMS,
  type StrachanParams,
  type StrachanSmoothParams,
} from "./strachanParams.js";
export {
  boundaryWindow,
  createStrachanSmooth,
  type SmoothConstants,
  STRACHAN_SMOOTH_NAME,
  smoothConductance,
  smoothConstants,
  smoothCurrent,
  smoothPartials,
  smoothRoot,
  smoothStateRate,
} from "./strachanSmooth.js";
export {
  createStrachanSmoothV1,
  SMOOTH_V1_PARAMS,
  STRACHAN_SMOOTH_V1_NAME,
} from "./strachanSmoothV1.js";
export type { MemristorModel } from "./types.js";
