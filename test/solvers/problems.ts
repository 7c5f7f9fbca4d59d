/** Test problems with known solutions or well-studied behaviour, shared by the solver tests. */
import type { CsrMatrix } from "../../src/core/sparse.js";
import type { OdeSystem } from "../../src/solvers/index.js";

/** dy/dt = −y + c: y(t) = e^{−(t−t0)}·y0 + (1 − e^{−(t−t0)})·c. */
export function linearDecay(
  c: Float64Array,
): OdeSystem & { exact(t: number, y0: Float64Array, t0?: number): Float64Array } {
  const dim = c.length;
  return {
    dim,
    rhs(_t, y, dydt) {
      for (let i = 0; i < dim; i++) dydt[i] = -y[i] + c[i];
    },
    exact(t, y0, t0 = 0) {
      const e = Math.exp(-(t - t0));
      return Float64Array.from(y0, (v, i) => e * v + (1 - e) * c[i]);
    },
  };
}

/** A small deterministic generator (LCG, Numerical Recipes constants) giving numbers in [−1, 1). */
export function seededUniform(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return (s / 2 ** 32) * 2 - 1;
  };
}

/**
 * A coupled saturating system dx/dt = −x + W·tanh(x) + b with random W (entries in [−2, 2))
 * and b: smooth (so classical orders show cleanly), non-linear, non-trivial.
 */
export function saturatingNetwork(dim: number, seed: number): OdeSystem {
  const rnd = seededUniform(seed);
  const w = Float64Array.from({ length: dim * dim }, () => 2 * rnd());
  const b = Float64Array.from({ length: dim }, () => rnd());
  const s = new Float64Array(dim);
  return {
    dim,
    rhs(_t, x, dxdt) {
      for (let j = 0; j < dim; j++) s[j] = Math.tanh(x[j]);
      for (let i = 0; i < dim; i++) {
        let acc = -x[i] + b[i];
        for (let j = 0; j < dim; j++) acc += w[i * dim + j] * s[j];
        dxdt[i] = acc;
      }
    },
  };
}

/**
 * Robertson's chemical kinetics (HNW II §IV.1), the classic stiff test:
 * y1' = −0.04·y1 + 1e4·y2·y3, y2' = 0.04·y1 − 1e4·y2·y3 − 3e7·y2², y3' = 3e7·y2².
 * With `withJacobian`, the analytic Jacobian is given as a dense 3×3 CSR matrix.
 */
export function robertson(withJacobian: boolean): OdeSystem {
  const rowPtr = Int32Array.of(0, 3, 6, 9);
  const colIdx = Int32Array.of(0, 1, 2, 0, 1, 2, 0, 1, 2);
  const values = new Float64Array(9);
  const jac: CsrMatrix = { rows: 3, cols: 3, rowPtr, colIdx, values };
  const system: OdeSystem = {
    dim: 3,
    rhs(_t, y, dydt) {
      const a = 0.04 * y[0];
      const b = 1e4 * y[1] * y[2];
      const c = 3e7 * y[1] * y[1];
      dydt[0] = -a + b;
      dydt[1] = a - b - c;
      dydt[2] = c;
    },
  };
  if (!withJacobian) return system;
  return {
    ...system,
    jacobian(_t, y) {
      values.set([-0.04, 1e4 * y[2], 1e4 * y[1]]);
      values.set([0.04, -1e4 * y[2] - 6e7 * y[1], -1e4 * y[1]], 3);
      values.set([0, 6e7 * y[1], 0], 6);
      return jac;
    },
  };
}

/**
 * The TaOx memristor's ON switching under a constant voltage v (DESIGN.md §2.1, Strachan 2013
 * parameters): dw/dt = K·exp(c₁·w − (w/x_on)²), with the separable closed form
 * t(w) = (1/K)∫_{w0}^{w} exp((s/x_on)² − c₁·s) ds, evaluated here by composite Simpson.
 */
export function memristorOnSwitching(v: number) {
  const Gm = 0.025;
  const a = 7.2e-6;
  const b = 4.7;
  const Bon = 1e-4;
  const sigmaOn = 0.45;
  const xOn = 0.06;
  const sigmaP = 4e-5;
  const ae = a * Math.exp(b * Math.sqrt(v));
  const K = Bon * Math.sinh(v / sigmaOn) * Math.exp((v * v * ae) / sigmaP);
  const c1 = (v * v * (Gm - ae)) / sigmaP;
  const system: OdeSystem = {
    dim: 1,
    rhs(_t, w, dwdt) {
      dwdt[0] = K * Math.exp(c1 * w[0] - (w[0] / xOn) ** 2);
    },
  };
  const timeTo = (w0: number, w: number, n = 20_000): number => {
    const h = (w - w0) / n;
    let s = 0;
    for (let i = 0; i <= n; i++) {
      const x = w0 + i * h;
      const g = Math.exp((x / xOn) ** 2 - c1 * x);
      s += g * (i === 0 || i === n ? 1 : i % 2 === 1 ? 4 : 2);
    }
    return (s * h) / 3 / K;
  };
  return { system, K, c1, timeTo };
}

/** Row k of a result's state matrix. */
export function row(y: Float64Array, dim: number, k: number): Float64Array {
  return y.subarray(k * dim, (k + 1) * dim);
}

/** Least-squares slope of log(err) against log(h). */
export function logSlope(h: number[], err: number[]): number {
  const x = h.map(Math.log);
  const y = err.map(Math.log);
  const n = x.length;
  const mx = x.reduce((s, v) => s + v, 0) / n;
  const my = y.reduce((s, v) => s + v, 0) / n;
  let sxy = 0;
  let sxx = 0;
  for (let i = 0; i < n; i++) {
    sxy += (x[i] - mx) * (y[i] - my);
    sxx += (x[i] - mx) ** 2;
  }
  return sxy / sxx;
}

/** Builds an n×n CSR matrix row by row: `fill(i, add)` calls add(column, value) in column order. */
export function buildCsr(
  n: number,
  fill: (i: number, add: (col: number, value: number) => void) => void,
): CsrMatrix {
  const rowPtr = new Int32Array(n + 1);
  const cols: number[] = [];
  const vals: number[] = [];
  const add = (col: number, value: number) => {
    cols.push(col);
    vals.push(value);
  };
  for (let i = 0; i < n; i++) {
    rowPtr[i] = cols.length;
    fill(i, add);
  }
  rowPtr[n] = cols.length;
  return {
    rows: n,
    cols: n,
    rowPtr,
    colIdx: Int32Array.from(cols),
    values: Float64Array.from(vals),
  };
}
