import { ValidationError } from "../../core/errors.js";
import { formatSpiceNumber as num } from "../../core/spiceNumber.js";
import { STRACHAN_NAME } from "../../devices/strachan.js";
import { STRACHAN_SMOOTH_NAME } from "../../devices/strachanSmooth.js";
import { STRACHAN_SMOOTH_V1_NAME } from "../../devices/strachanSmoothV1.js";
import type { MemristorModel } from "../../devices/types.js";
import type { Subcircuit } from "./model.js";

/**
 * TaOx memristor subcircuits (DESIGN.md 3): terminals (p n w). The state w is the voltage of
 * node w across a 1 F capacitor charged by a behavioural current equal to dw/dt, so v(w) = w;
 * the device current G(w, v)·v flows from p to n through a behavioural current source. Each
 * parameter of the TypeScript model is a subcircuit parameter with the model's value as default,
 * so an instance may override any of them (`x… p n w taox_strachan params: w0=0.2 g_m=0.03`).
 *
 * Internal nodes hold shared subexpressions as behavioural voltages: g = G(w, v), q = p = G·v²
 * in the original model; the smooth model's nodes and why each is safe are listed at smoothBody.
 * A 1 TΩ leak from w to ground gives the state node the DC path ngspice's topology needs; it
 * changes dw/dt by at most w/1e12 per second.
 *
 * The expressions mirror the equations in the header comments of src/devices/strachan.ts,
 * strachanSmooth.ts and strachanSmoothV1.ts term by term; test/spice/netlist.test.ts and
 * test/spice/memristorV1.test.ts check each against ngspice.
 */
export function memristorSubcircuit(model: MemristorModel): Subcircuit {
  const subckt = SUBCIRCUITS[model.name];
  if (!subckt) {
    throw new ValidationError(
      "memristor.model",
      `no SPICE subcircuit for ${JSON.stringify(model.name)}`,
      Object.keys(SUBCIRCUITS).join(", "),
    );
  }
  const name = subckt.name;
  const params = [
    "w0=1e-1",
    ...Object.entries(model.params).map(([k, v]) => `${spiceParam(k)}=${num(v)}`),
  ];
  const text = [
    `.subckt ${name} p n w params: ${params.join(" ")}`,
    `* ${subckt.title}; w = v(w), i = G(w, v(p,n))*v(p,n) from p to n`,
    "cw w 0 1 ic={w0}",
    "rleak w 0 1e12",
    ...subckt.body,
    ".ends",
  ].join("\n");
  return { name, text, dcGroups: [[0, 1]], groundedTerminals: [2] };
}

/** SPICE names are case-insensitive: parameters are written lower-case (a, a_off stay distinct). */
function spiceParam(name: string): string {
  return name.toLowerCase();
}

const V = "v(p,n)";
/**
 * w clamped to its bounds, written inline (an internal node would start at 0 in the first Newton
 * iteration of a `uic` transient, and x_off/w would overflow there). This and the voltage clamp
 * at ±10 V in smoothBody act only outside the physical range (|v| ≤ 1.5 V), where Newton trial
 * points can land, and keep every expression and derivative finite there.
 */
const WC = "min(max(v(w),{w_min}),{w_max})";

/** softplus(z) = ln(1 + e^z) without overflow. */
const softplus = (z: string) => `(max(${z},0)+ln(1+exp(-abs(${z}))))`;
/** sinh(u)·e^{−|u|} = sign(u)·(1 − e^{−2|u|})/2. */
const sinhFactor = (u: string) => `(sgn(${u})*(1-exp(-2*abs(${u})))/2)`;
/**
 * Cubic smoothstep of t clamped to [0, 1], for t a single node voltage: written with `?:`, whose
 * ngspice derivative is only the taken branch's (nested min/max cost several times more).
 */
const smoothStep = (t: string) => `(${t}<=0?0:(${t}>=1?1:${t}*${t}*(3-2*${t})))`;

const SUBCIRCUITS: Record<string, { name: string; title: string; body: string[] }> = {
  [STRACHAN_NAME]: {
    name: "taox_strachan",
    title: "Strachan TaOx memristor, IEEE TED 60(7):2194-2202, 2013, as published",
    body: [
      `bg g 0 v={g_m}*v(w)+{a}*(1-v(w))*exp({b}*sqrt(abs(${V})))`,
      `bq q 0 v=v(g)*${V}*${V}`,
      `bm p n i=v(g)*${V}`,
      "bw 0 w i=" +
        `{b_on}*sinh(${V}/{sigma_on})*exp(-(v(w)/{x_on})*(v(w)/{x_on})+v(q)/{sigma_p})*u(${V})` +
        `+{a_off}*sinh(${V}/{sigma_off})*exp(-({x_off}/v(w))*({x_off}/v(w))+1/(1+{beta}*v(q)))*u(-${V})`,
    ],
  },
  [STRACHAN_SMOOTH_NAME]: {
    name: "taox_strachan_smooth",
    title: "Strachan TaOx memristor, smooth bounded form (docs/memristor.md)",
    body: smoothBody(),
  },
  [STRACHAN_SMOOTH_V1_NAME]: {
    name: "taox_strachan_smooth_v1",
    title: "Strachan TaOx memristor, the smooth form of the trained UNets (training/memristor.py)",
    body: smoothV1Body(),
  },
};

/**
 * The smooth model. ngspice differentiates each B-source expression symbolically and evaluates
 * value and derivative trees without sharing subexpressions, so its cost grows with the
 * expression's size times its depth: the model is split into small expressions on internal
 * nodes. Every node is safe at every Newton iterate, where a node holds its expression's
 * linearisation rather than its value:
 *
 *   vv = v(p,n)             linear, so exact at every iterate (one unknown instead of p and n)
 *   g  = 1e6·G(w, v)        read clamped to [0, 3e7] µS (G ≤ 20 S for |v| ≤ 10 V)
 *   q  = p/σ_p = G·v²/σ_p   read clamped to [0, 1e8]
 *   tu, td = t_up, t_down   read only through the smoothstep, which clamps to [0, 1]
 *
 * so no consumer sees a value outside the range its expression can take, and no exp/ln/product
 * or derivative can overflow. The log-rates are not nodes: e^{cap(Λ)} = r_max/(1 + e^{M − Λ}) =
 * 1/(e^{−Λ} + 1/r_max), so each rate is h(u)/(e^{−Λ} + 1/r_max), evaluated at the actual
 * (v, w, p) of the iterate with one exp whose derivative −e^{−Λ}Λ′/(e^{−Λ} + 1/r_max)² stays
 * finite (ngspice caps exp at ~1e99: where e^{−Λ} would exceed it the rate is ~1e-99 instead of
 * ~0). Earlier versions had nodes for Λ_on, Λ_off and their caps: a log-rate node's linearised
 * value can be far from its expression's, exp() of it then throws w and v to ~1e200, and ngspice
 * gives up with "timestep too small" at the first fast switching.
 *
 * Within the physical range (|v| ≤ 1.5 V, w in [w_min, w_max]) this is the TypeScript model up to
 * rounding: s(v) is written √(x + ε²) − ε (the cancellation near v = 0 costs ~1e-22 in s), and the
 * window is W = S(t_up)·S(t_down) on both terms, as in strachanSmooth.ts.
 */
function smoothBody(): string[] {
  const v = "min(max(v(vv),-1e1),1e1)";
  const vNeg = "max(min(v(vv),0),-1e1)";
  const vPos = "min(max(v(vv),0),1e1)";
  const w = WC;
  const x = `(${v}*tanh({rho/2}*${v}))`;
  const root = `(sqrt(${x}+{eps_sqrt*eps_sqrt})-{eps_sqrt})`;
  const G = `{g_m}*${w}+{a}*(1-${w})*exp({b}*${root})`;
  // g holds G in µS and q holds p/σ_p, so that ngspice's absolute node tolerance (vntol, 1e-6)
  // is negligible against both: p/σ_p enters the ON log-rate directly.
  const g = "min(max(v(g),0),3e7)";
  const ps = "min(max(v(q),0),1e8)";
  const kv = `{k_theta}*${v}`;
  // −Λ_on and −Λ_off
  const nlOn = `({-ln(b_on)}-abs(${v})/{sigma_on}+(${w}/{x_on})*(${w}/{x_on})-${ps}+${softplus(`-${kv}`)})`;
  const nlOff = `({-ln(a_off)}-abs(${v})/{sigma_off}+({x_off}/${w})*({x_off}/${w})-1/(1+{beta*sigma_p}*${ps})+${softplus(kv)})`;
  const on = `${sinhFactor(`${v}/{sigma_on}`)}/(exp(${nlOn})+{1/r_max})`;
  const off = `${sinhFactor(`${v}/{sigma_off}`)}/(exp(${nlOff})+{1/r_max})`;
  return [
    `bvv vv 0 v=${V}`,
    `bg g 0 v=1e6*(${G})`,
    `bq q 0 v=${g}*{1e-6/sigma_p}*${v}*${v}`,
    `btu tu 0 v=({w_max}-v(w))/{delta_w}+(${vNeg}/{v_w})*(${vNeg}/{v_w})`,
    `btd td 0 v=(v(w)-{w_min})/{delta_w}+(${vPos}/{v_w})*(${vPos}/{v_w})`,
    `bm p n i=1e-6*${g}*${V}`,
    `bw 0 w i=(${on}+${off})*${smoothStep("v(tu)")}*${smoothStep("v(td)")}`,
  ];
}

/**
 * `strachan-taox-smooth-v1` (src/devices/strachanSmoothV1.ts), whose rate is set in normalised
 * cell time: with ŵ = clamp(w, w_min, 1), |v|_ρ = v·tanh(ρv/2), σ the logistic,
 *
 *   G = G_m·ŵ + a·(1 − ŵ)·exp(b·√(|v|_ρ + ε)),   i = G·v,   p = G·v²
 *   L_off = ln(τ·A_off) − (x_off/ŵ)² + 1/(1 + β·p) + ln σ(−k·v)
 *   L_on  = ln(τ·B_on)  − (ŵ/x_on)²  + p/σ_p       + ln σ(k·v)
 *   dw/dt = [R(L_off, v/σ_off) + R(L_on, v/σ_on)]/τ,   R(L, s) = ½(e^{cap(L+s)} − e^{cap(L−s)})
 *   cap(E) = E_max − softplus(E_max − E),   E_max = ln(2·rate_cap)
 *
 * The subcircuit's time is physical (seconds), so the state current is the normalised rate
 * divided by the subcircuit parameter `tau` [s] (the layer's τ; the default is the model's).
 * The soft cap is written e^{cap(E)} = 1/(e^{−E} + 1/(2·rate_cap)): one exp per term whose
 * derivative stays finite, as in smoothBody; ln σ(±kv) = −softplus(∓kv). The state is not
 * windowed (as in the model): w may leave [w_min, 1] while G and the rates read the clamped ŵ.
 *
 * Nodes: vv = v(p,n); g = 1e6·G [µS] read clamped to [0, 3e7]; q = p/σ_p read clamped to
 * [0, 1e8]; eo = −L_off and en = −L_on without their ±v/σ parts, read unclamped. The voltage
 * clamp at ±10 V and the clamps of g and q act only outside the physical range (|v| ≤ 1.5 V gives
 * G ≤ 0.03 S, p/σ_p ≤ 2e3), at Newton trial points, where they keep every exp and product finite.
 * The log-rate nodes are safe unclamped because of the cap: at any value of eo (or en), however
 * far a Newton iterate throws it, each term 1/(e^{eo∓v/σ} + c) lies in [0, 1/c] = [0, 2·rate_cap]
 * and its derivative −e^{·}/(e^{·} + c)² in [−1/(4c), 0], so w's current and its Jacobian stay
 * bounded. (The uncapped smooth model has no such bound, so smoothBody keeps its log-rates
 * inline.) They cut ngspice's device-evaluation time by about 40 % (docs/export.md): ngspice
 * differentiates each B-source symbolically without sharing subexpressions, and the inline form
 * wrote each log-rate out twice, once per exponential.
 */
function smoothV1Body(): string[] {
  const v = "min(max(v(vv),-1e1),1e1)";
  const w = "min(max(v(w),{w_min}),1)";
  const x = `(${v}*tanh({rho/2}*${v}))`;
  const G = `{g_m}*${w}+{a}*(1-${w})*exp({b}*sqrt(${x}+{eps}))`;
  const g = "min(max(v(g),0),3e7)";
  const ps = "min(max(v(q),0),1e8)";
  const kv = `{k_theta}*${v}`;
  // −L_on and −L_off
  const nlOn = `({-ln(tau*b_on)}+(${w}/{x_on})*(${w}/{x_on})-${ps}+${softplus(`-${kv}`)})`;
  const nlOff = `({-ln(tau*a_off)}+({x_off}/${w})*({x_off}/${w})-1/(1+{beta*sigma_p}*${ps})+${softplus(kv)})`;
  // R(L, s) with −L given: ½(1/(e^{−L−s} + c) − 1/(e^{−L+s} + c)), c = 1/(2·rate_cap)
  const rate = (nl: string, sigma: string) =>
    `0.5*(1/(exp(${nl}-${v}/{${sigma}})+{0.5/rate_cap})-1/(exp(${nl}+${v}/{${sigma}})+{0.5/rate_cap}))`;
  return [
    `bvv vv 0 v=${V}`,
    `bg g 0 v=1e6*(${G})`,
    `bq q 0 v=${g}*{1e-6/sigma_p}*${v}*${v}`,
    `bm p n i=1e-6*${g}*${V}`,
    `beo eo 0 v=${nlOff}`,
    `ben en 0 v=${nlOn}`,
    `bw 0 w i={1/tau}*(${rate("v(eo)", "sigma_off")}+${rate("v(en)", "sigma_on")})`,
  ];
}

/** The names of the models that have a subcircuit. */
export const SUBCIRCUIT_MODELS: readonly string[] = Object.keys(SUBCIRCUITS);
