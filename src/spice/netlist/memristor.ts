import { ValidationError } from "../../core/errors.js";
import { formatSpiceNumber as num } from "../../core/spiceNumber.js";
import { STRACHAN_NAME } from "../../devices/strachan.js";
import { STRACHAN_SMOOTH_NAME } from "../../devices/strachanSmooth.js";
import type { MemristorModel } from "../../devices/types.js";
import type { Subcircuit } from "./model.js";

/**
 * TaOx memristor subcircuits (DESIGN.md 3): terminals (p n w). The state w is the voltage of
 * node w across a 1 F capacitor charged by a behavioural current equal to dw/dt, so v(w) = w;
 * the device current G(w, v)·v flows from p to n through a behavioural current source. Each
 * parameter of the TypeScript model is a subcircuit parameter with the model's value as default,
 * so an instance may override any of them (`x… p n w taox_strachan params: w0=0.2 g_m=0.03`).
 *
 * Internal nodes hold shared subexpressions as behavioural voltages: g = G(w, v), q = p = G·v².
 * A 1 TΩ leak from w to ground gives the state node the DC path ngspice's topology needs; it
 * changes dw/dt by at most w/1e12 per second.
 *
 * The expressions mirror src/devices/strachan.ts and strachanSmooth.ts term by term;
 * test/spice/memristor.test.ts checks both against ngspice.
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
/** w clamped to its bounds, written inline: an internal node would start at 0 in the first
 * Newton iteration of a `uic` transient, and x_off/w would overflow there. */
/**
 * Guards that act only outside the model's physical range (|v| ≤ 1.5 V, p ≤ 0.06 W), where the
 * TypeScript model never goes: Newton trial points of ngspice can land at absurd voltages, and
 * the expressions' derivatives then overflow ("out of range for ^") and abort the run.
 */
const VL = "min(max(v(p,n),-1e1),1e1)";
const WC = "min(max(v(w),{w_min}),{w_max})";

/** softplus(z) = ln(1 + e^z) without overflow. */
const softplus = (z: string) => `(max(${z},0)+ln(1+exp(-abs(${z}))))`;
/** sinh(u)·e^{−|u|} = sign(u)·(1 − e^{−2|u|})/2. */
const sinhFactor = (u: string) => `(sgn(${u})*(1-exp(-2*abs(${u})))/2)`;
/** Cubic smoothstep of t clamped to [0, 1]. */
const smoothStep = (t: string) =>
  `(min(max(${t},0),1)*min(max(${t},0),1)*(3-2*min(max(${t},0),1)))`;

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
};

/**
 * The smooth model written with no internal node: every B source is a function of v(p,n) and
 * v(w) only, so ngspice's Newton iteration solves for the same two unknowns per device as the
 * TypeScript implicit solver (an internal node holding a log-rate is linearised on its own and
 * can run far from the value its expression would give, then exp() of it explodes).
 *
 * Rates: e^{cap(Λ)} = r_max/(1 + e^{M − Λ}) = 1/(e^{−Λ} + 1/r_max), so each term is
 * h(u)/(e^{−Λ} + 1/r_max) with a single exp of −Λ, whose argument is bounded above in the physical
 * range except where the rate is negligible (ngspice caps exp at ~1e99 there: rate ~1e-99 instead
 * of ~0) and whose derivative −e^{−Λ}Λ′/(e^{−Λ} + 1/r_max)² stays finite.
 */
function smoothBody(): string[] {
  const v = VL;
  const w = WC;
  const x = `(${v}*tanh({rho/2}*${v}))`;
  const root = `(${x}/(sqrt(${x}+{eps_sqrt*eps_sqrt})+{eps_sqrt}))`;
  const variant = process.env.CS_VARIANT ?? "inline";
  const Gx = `({g_m}*${w}+{a}*(1-${w})*exp({b}*${variant === "sg" ? "v(s)" : root}))`;
  const G = variant === "inline" ? Gx : "v(g)";
  const p = variant === "gq" ? "v(q)" : `(${G}*${v}*${v})`;
  const pre: string[] = [];
  if (variant === "sg") pre.push(`bs s 0 v=${root}`);
  if (variant !== "inline") pre.push(`bg g 0 v=${Gx}`);
  if (variant === "gq") pre.push(`bq q 0 v=v(g)*${v}*${v}`);
  const kv = `{k_theta}*${v}`;
  // −Λ_on and −Λ_off
  const nlOn = `({-ln(b_on)}-abs(${v})/{sigma_on}+(${w}/{x_on})*(${w}/{x_on})-${p}/{sigma_p}+${softplus(`-${kv}`)})`;
  const nlOff = `({-ln(a_off)}-abs(${v})/{sigma_off}+({x_off}/${w})*({x_off}/${w})-1/(1+{beta}*${p})+${softplus(kv)})`;
  const on = `${sinhFactor(`${v}/{sigma_on}`)}/(exp(${nlOn})+{1/r_max})`;
  const off = `${sinhFactor(`${v}/{sigma_off}`)}/(exp(${nlOff})+{1/r_max})`;
  const tUp = `(({w_max}-v(w))/{delta_w}+(min(${v},0)/{v_w})*(min(${v},0)/{v_w}))`;
  const tDn = `((v(w)-{w_min})/{delta_w}+(max(${v},0)/{v_w})*(max(${v},0)/{v_w}))`;
  return [
    ...pre,
    `bm p n i=${G}*${V}`,
    `bw 0 w i=(${on}+${off})*${smoothStep(tUp)}*${smoothStep(tDn)}`,
  ];
}

/** The names of the models that have a subcircuit. */
export const SUBCIRCUIT_MODELS: readonly string[] = Object.keys(SUBCIRCUITS);
