/**
 * TEST-ONLY fixed-step classical RK4 for an OdeSystem (the project's solvers live in
 * src/solvers/; this small integrator only lets the device tests run on their own).
 */
import type { OdeSystem } from "../../src/solvers/types.js";

export interface Rk4Trace {
  t: Float64Array;
  /** Row-major samples, dim per time. */
  y: Float64Array;
}

/** Integrates from t0 to t1 in n equal steps, recording every `every`-th step (and t0, t1). */
export function rk4(
  sys: OdeSystem,
  y0: ArrayLike<number>,
  t0: number,
  t1: number,
  n: number,
  every = 1,
): Rk4Trace {
  const d = sys.dim;
  const h = (t1 - t0) / n;
  const y = Float64Array.from(y0);
  const tmp = new Float64Array(d);
  const k1 = new Float64Array(d);
  const k2 = new Float64Array(d);
  const k3 = new Float64Array(d);
  const k4 = new Float64Array(d);
  const nRec = Math.floor(n / every) + 1 + (n % every === 0 ? 0 : 1);
  const tOut = new Float64Array(nRec);
  const yOut = new Float64Array(nRec * d);
  let r = 0;
  const record = (t: number) => {
    tOut[r] = t;
    yOut.set(y, r * d);
    r++;
  };
  record(t0);
  for (let s = 0; s < n; s++) {
    const t = t0 + s * h;
    sys.rhs(t, y, k1);
    for (let j = 0; j < d; j++) tmp[j] = y[j] + 0.5 * h * k1[j];
    sys.rhs(t + 0.5 * h, tmp, k2);
    for (let j = 0; j < d; j++) tmp[j] = y[j] + 0.5 * h * k2[j];
    sys.rhs(t + 0.5 * h, tmp, k3);
    for (let j = 0; j < d; j++) tmp[j] = y[j] + h * k3[j];
    sys.rhs(t + h, tmp, k4);
    for (let j = 0; j < d; j++) y[j] += (h / 6) * (k1[j] + 2 * k2[j] + 2 * k3[j] + k4[j]);
    if ((s + 1) % every === 0 || s + 1 === n) record(t0 + (s + 1) * h);
  }
  return { t: tOut, y: yOut };
}
