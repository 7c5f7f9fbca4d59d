import type { RandomStream } from "../core/counterRandom.js";
import type { OdeSystem } from "../solvers/types.js";

/** Boltzmann's constant [J/K]. */
export const BOLTZMANN = 1.380649e-23;

/**
 * Thermal noise of the cell resistor on the cell capacitor. In physical units
 * C dv = (−v/R + i) dt + √(4kT/R) dW; in normalised units (x = v/V_s, t in τ = RC)
 *
 *   dx = F(x) dt + s dW,   s = √(2kT / (C·V_s²)),
 *
 * so that with A = 0 (an Ornstein–Uhlenbeck process dx = −x dt + s dW) the stationary variance
 * of x is s²/2 = kT/(C·V_s²), the kT/C of the capacitor, and from x(0) = 0 the variance at t is
 * (s²/2)(1 − e^{−2t}).
 */
export function noiseIntensity(temperature: number, capacitance: number, Vs: number): number {
  return Math.sqrt((2 * BOLTZMANN * temperature) / (capacitance * Vs * Vs));
}

/**
 * Euler–Maruyama over [0, T] with N = ⌈T/dt⌉ equal steps h = T/N:
 *   y ← y + h·F(y),   then x_k ← x_k + s·√h·ξ_{n,k} on the first `noisy` components,
 * ξ_{n,k} = stream.normal(n·noisy + k) (step n, component k), so the path is a pure function of
 * the stream. Returns the final state (a new array). Strong order ½, weak order 1: with A = 0 the
 * variance at T is s²h·(1 − (1 − h)^{2N})/(1 − (1 − h)²), within O(h) of the continuous one.
 */
export function eulerMaruyama(
  system: OdeSystem,
  y0: Float64Array,
  T: number,
  dt: number,
  s: number,
  noisy: number,
  stream: RandomStream,
): Float64Array {
  const steps = Math.max(1, Math.ceil(T / dt - 1e-9));
  const h = T / steps;
  const y = Float64Array.from(y0);
  const f = new Float64Array(system.dim);
  const kick = s * Math.sqrt(h);
  const xi = new Float64Array(noisy);
  for (let n = 0; n < steps; n++) {
    system.rhs(n * h, y, f);
    for (let k = 0; k < system.dim; k++) y[k] += h * f[k];
    stream.fillNormal(xi, n * noisy);
    for (let k = 0; k < noisy; k++) y[k] += kick * xi[k];
  }
  return y;
}

/** Variance of Euler–Maruyama's x after N steps h for dx = −x dt + s dW from x(0) = 0. */
export function eulerMaruyamaOuVariance(s: number, h: number, steps: number): number {
  const a = (1 - h) * (1 - h);
  return (s * s * h * (1 - a ** steps)) / (1 - a);
}
