/**
 * The parameters of `strachan-taox-smooth-v1` (strachanSmoothV1.ts): the Strachan device
 * parameters followed by the smoothing and bounding constants of training/memristor.py
 * (`SmoothKernels`) and the time scale τ that sets the unit of the rate cap.
 */
import { checkParamTable, type ParamTable } from "../core/params.js";
import { STRACHAN_PARAMS, type StrachanParams } from "./strachanParams.js";

export const STRACHAN_SMOOTH_V1_NAME = "strachan-taox-smooth-v1";

export const SMOOTH_V1_PARAMS: ParamTable = [
  ...STRACHAN_PARAMS,
  {
    name: "rho",
    unit: "1/V",
    min: 10,
    max: 1e4,
    default: 100,
    description: "slope of the smooth |v| = v*tanh(rho*v/2)",
  },
  {
    name: "k_theta",
    unit: "1/V",
    min: 10,
    max: 1e5,
    default: 500,
    description: "slope of the logistic step theta(v) = sigma(k*v)",
  },
  {
    name: "eps",
    unit: "V",
    min: 0,
    max: 1e-3,
    default: 1e-12,
    description: "offset under the square root, sqrt(|v| + eps)",
  },
  {
    name: "w_min",
    unit: "",
    min: 0,
    max: 0.5,
    minExclusive: true,
    default: 1e-3,
    description: "lower clamp of w",
  },
  {
    name: "rate_cap",
    unit: "",
    min: 1e-3,
    max: 1e12,
    default: 10,
    description: "largest |dw/dt| per unit of normalised cell time",
  },
  {
    name: "tau",
    unit: "s",
    min: 0,
    max: 1e6,
    minExclusive: true,
    default: 1e-4,
    description: "seconds per unit of cell time, the unit of rate_cap",
  },
];
checkParamTable(SMOOTH_V1_PARAMS, "SMOOTH_V1_PARAMS");

/** A resolved parameter set of `strachan-taox-smooth-v1`. */
export interface SmoothV1Params extends StrachanParams {
  readonly rho: number;
  readonly k_theta: number;
  readonly eps: number;
  readonly w_min: number;
  readonly rate_cap: number;
  readonly tau: number;
}
