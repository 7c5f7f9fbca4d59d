/** TEST-ONLY numerical helpers: Richardson-extrapolated central differences, finite checks. */
import type { MemristorModel } from "../../src/devices/types.js";

/** df/dx at x by central differences with steps h and h/2, Richardson-extrapolated (O(h⁴)). */
export function derivative(f: (x: number) => number, x: number, h: number): number {
  const d1 = (f(x + h) - f(x - h)) / (2 * h);
  const d2 = (f(x + h / 2) - f(x - h / 2)) / h;
  return (4 * d2 - d1) / 3;
}

/** [∂i/∂w, ∂i/∂v, ∂g/∂w, ∂g/∂v] of a model by finite differences. */
export function finiteDifferencePartials(
  m: MemristorModel,
  w: number,
  v: number,
  hw: number,
  hv: number,
): number[] {
  return [
    derivative((x) => m.current(x, v), w, hw),
    derivative((x) => m.current(w, x), v, hv),
    derivative((x) => m.stateRate(x, v), w, hw),
    derivative((x) => m.stateRate(w, x), v, hv),
  ];
}

/** Evenly spaced points from a to b inclusive. */
export function linspace(a: number, b: number, n: number): number[] {
  return Array.from({ length: n }, (_, k) => (n === 1 ? a : a + ((b - a) * k) / (n - 1)));
}

/** What a fast-against-reference comparison over a (w, v) grid saw: points, capped and underflowed rates, the worst error/bound ratio. */
export interface Coverage {
  points: number;
  capped: number;
  underflowed: number;
  worstRatio: number;
}

export const coverage = (): Coverage => ({ points: 0, capped: 0, underflowed: 0, worstRatio: 0 });
