/**
 * Closed-form ON-switching oracle of the original Strachan model (DESIGN.md 2.1). Under a
 * constant v > 0, G is affine in w, so
 *   dw/dt = K·exp(c₁·w − (w/x_on)²),  K = B_on·sinh(v/σ_on)·exp(v²·a·e^{b√v}/σ_p),
 *   c₁ = v²·(G_m − a·e^{b√v})/σ_p,
 * and the time from w₀ to w₁ is t = (1/K)·∫_{w₀}^{w₁} exp((s/x_on)² − c₁·s) ds, evaluated here by
 * composite Simpson quadrature in log space (no overflow however abrupt the switch).
 */
import type { StrachanParams } from "./strachanParams.js";

/** Time [s] for w to go from w0 to w1 (w0 < w1) under constant v > 0; `n` Simpson intervals. */
export function onSwitchingTime(
  P: StrachanParams,
  v: number,
  w0: number,
  w1: number,
  n = 4000,
): number {
  if (!(v > 0) || !(w1 > w0) || !(n >= 2)) {
    throw new RangeError("onSwitchingTime: need v > 0, w1 > w0 and n >= 2");
  }
  const m = n % 2 === 0 ? n : n + 1;
  const aE = P.a * Math.exp(P.b * Math.sqrt(v));
  const lnK = Math.log(P.B_on * Math.sinh(v / P.sigma_on)) + (v * v * aE) / P.sigma_p;
  const c1 = (v * v * (P.G_m - aE)) / P.sigma_p;
  const phi = (s: number) => (s / P.x_on) * (s / P.x_on) - c1 * s;
  const h = (w1 - w0) / m;
  let phiMax = Number.NEGATIVE_INFINITY;
  for (let k = 0; k <= m; k++) phiMax = Math.max(phiMax, phi(w0 + k * h));
  let sum = 0;
  for (let k = 0; k <= m; k++) {
    const weight = k === 0 || k === m ? 1 : k % 2 === 1 ? 4 : 2;
    sum += weight * Math.exp(phi(w0 + k * h) - phiMax);
  }
  return (h / 3) * sum * Math.exp(phiMax - lnK);
}
