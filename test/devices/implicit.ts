/**
 * TEST-ONLY backward Euler for a scalar dw/dt = g(t, w), each step solved on a bracket by
 * safeguarded Newton (bisection when Newton leaves the bracket). For g(w) ≥ 0 the root of
 * φ(w) = w − w_n − h·g(t, w) lies in [w_n, w_max] whenever g(w_max) = 0 (φ(w_n) ≤ 0 ≤ φ(w_max)),
 * so this integrator shows whether the model itself keeps w in bounds, even when very stiff.
 */
export function backwardEulerScalar(
  g: (t: number, w: number) => number,
  dg: (t: number, w: number) => number,
  w0: number,
  t0: number,
  t1: number,
  n: number,
  lo: number,
  hi: number,
): Float64Array {
  const h = (t1 - t0) / n;
  const out = new Float64Array(n + 1);
  out[0] = w0;
  let w = w0;
  for (let s = 1; s <= n; s++) {
    const t = t0 + s * h;
    const phi = (x: number) => x - w - h * g(t, x);
    let a = lo;
    let b = hi;
    if (phi(a) > 0 || phi(b) < 0) throw new Error(`no bracket at step ${s}`);
    let x = w;
    for (let it = 0; it < 200; it++) {
      const f = phi(x);
      if (f === 0) break;
      if (f < 0) a = x;
      else b = x;
      let next = x - f / (1 - h * dg(t, x));
      if (!(next > a && next < b)) next = 0.5 * (a + b);
      if (Math.abs(next - x) <= 1e-15 * Math.max(1, Math.abs(x))) {
        x = next;
        break;
      }
      x = next;
    }
    w = x;
    out[s] = w;
  }
  return out;
}
