/**
 * Parameter tables of the Strachan TaOx memristor (DESIGN.md 2.1) and of its smooth
 * reformulation (DESIGN.md 2.2), in SI units. The SPICE subcircuit generator emits the same
 * tables. Names are distinct ignoring case (`a` and `A_off`, never `a` and `A`).
 */
import { checkParamTable, type ParamTable } from "../core/params.js";

/** Strachan et al., IEEE TED 60(7):2194–2202, 2013 (values as in DESIGN.md 2.1). */
export const STRACHAN_PARAMS: ParamTable = [
  {
    name: "G_m",
    unit: "S",
    min: 0,
    max: 1,
    minExclusive: true,
    default: 0.025,
    description: "ON-state (metallic channel) conductance per unit of w",
  },
  {
    name: "a",
    unit: "S",
    min: 0,
    max: 1,
    default: 7.2e-6,
    description: "prefactor of the OFF-state (Frenkel-Poole-like) conduction",
  },
  {
    name: "b",
    unit: "V^-1/2",
    min: 0,
    max: 20,
    default: 4.7,
    description: "exponent factor of the OFF-state conduction, G_off = a*exp(b*sqrt|v|)",
  },
  {
    name: "A_off",
    unit: "1/s",
    min: 0,
    max: 1e6,
    minExclusive: true,
    default: 1e-10,
    description: "rate prefactor of OFF switching (v < 0)",
  },
  {
    name: "sigma_off",
    unit: "V",
    min: 1e-3,
    max: 10,
    default: 0.013,
    description: "voltage scale of OFF switching, sinh(v/sigma_off)",
  },
  {
    name: "x_off",
    unit: "",
    min: 0,
    max: 1,
    minExclusive: true,
    default: 0.4,
    description: "state scale of OFF switching, exp(-(x_off/w)^2)",
  },
  {
    name: "beta",
    unit: "1/W",
    min: 0,
    max: 1e6,
    default: 500,
    description: "power coefficient of OFF switching, exp(1/(1+beta*p))",
  },
  {
    name: "B_on",
    unit: "1/s",
    min: 0,
    max: 1e6,
    minExclusive: true,
    default: 1e-4,
    description: "rate prefactor of ON switching (v > 0)",
  },
  {
    name: "sigma_on",
    unit: "V",
    min: 1e-3,
    max: 10,
    default: 0.45,
    description: "voltage scale of ON switching, sinh(v/sigma_on)",
  },
  {
    name: "x_on",
    unit: "",
    min: 0,
    max: 1,
    minExclusive: true,
    default: 0.06,
    description: "state scale of ON switching, exp(-(w/x_on)^2)",
  },
  {
    name: "sigma_p",
    unit: "W",
    min: 0,
    max: 1,
    minExclusive: true,
    default: 4e-5,
    description: "power scale of ON switching (Joule heating), exp(p/sigma_p)",
  },
];

/**
 * Smoothing and bounding constants of the smooth reformulation (docs/memristor.md justifies
 * each default); the smooth model's table is STRACHAN_PARAMS followed by these.
 */
export const SMOOTHING_PARAMS: ParamTable = [
  {
    name: "rho",
    unit: "1/V",
    min: 10,
    max: 1e4,
    default: 100,
    description: "slope of the smooth |v| = v*tanh(rho*v/2) (Ascoli et al. 2015)",
  },
  {
    name: "eps_sqrt",
    unit: "V^1/2",
    min: 1e-9,
    max: 1e-2,
    default: 1e-6,
    description: "offset of the safe root sqrt(x + eps^2) - eps (C-infinity at v = 0)",
  },
  {
    name: "k_theta",
    unit: "1/V",
    min: 10,
    max: 1e5,
    default: 500,
    description: "slope of the logistic step theta(v) = 1/(1+exp(-k*v))",
  },
  {
    name: "r_max",
    unit: "1/s",
    min: 1,
    max: 1e18,
    default: 1e12,
    description: "soft upper cap of each switching rate magnitude",
  },
  {
    name: "w_min",
    unit: "",
    min: 0,
    max: 0.5,
    minExclusive: true,
    default: 1e-3,
    description: "lower bound of the state w",
  },
  {
    name: "w_max",
    unit: "",
    min: 0.5,
    max: 1,
    default: 1,
    description: "upper bound of the state w",
  },
  {
    name: "delta_w",
    unit: "",
    min: 0,
    max: 0.25,
    minExclusive: true,
    default: 0.02,
    description: "width in w of the boundary windows that stop w at w_min and w_max",
  },
  {
    name: "v_w",
    unit: "V",
    min: 1e-4,
    max: 1,
    default: 0.01,
    description: "voltage over which a boundary window opens for motion away from its bound",
  },
];

export const STRACHAN_SMOOTH_PARAMS: ParamTable = [...STRACHAN_PARAMS, ...SMOOTHING_PARAMS];

checkParamTable(STRACHAN_PARAMS, "STRACHAN_PARAMS");
checkParamTable(STRACHAN_SMOOTH_PARAMS, "STRACHAN_SMOOTH_PARAMS");

/** The Strachan parameters as a typed record (SI units). */
export interface StrachanParams {
  readonly G_m: number;
  readonly a: number;
  readonly b: number;
  readonly A_off: number;
  readonly sigma_off: number;
  readonly x_off: number;
  readonly beta: number;
  readonly B_on: number;
  readonly sigma_on: number;
  readonly x_on: number;
  readonly sigma_p: number;
}

/** The smooth model's parameters: Strachan's plus the smoothing constants. */
export interface StrachanSmoothParams extends StrachanParams {
  readonly rho: number;
  readonly eps_sqrt: number;
  readonly k_theta: number;
  readonly r_max: number;
  readonly w_min: number;
  readonly w_max: number;
  readonly delta_w: number;
  readonly v_w: number;
}
