/** Area of an i–v (Lissajous) loop by the shoelace formula, in V·A = W. */

export interface LoopArea {
  /**
   * Shoelace over the closed polygon (last point joined to the first): lobes of opposite
   * orientation cancel, so the two lobes of a pinched loop partly cancel.
   */
  readonly signed: number;
  /**
   * Sum of |area| of the lobes between successive sign changes of v, each closed along v = 0
   * through the (linearly interpolated) crossings: the total area enclosed by a pinched loop.
   */
  readonly absolute: number;
}

/** The signed and absolute area of the closed loop traced by the points (v[k], i[k]). */
export function hysteresisLoopArea(v: ArrayLike<number>, i: ArrayLike<number>): LoopArea {
  const n = v.length;
  if (i.length !== n) throw new RangeError("hysteresisLoopArea: v and i differ in length");
  if (n < 3) return { signed: 0, absolute: 0 };
  let signed = 0;
  for (let k = 0; k < n; k++) {
    const m = k + 1 === n ? 0 : k + 1;
    signed += v[k] * i[m] - v[m] * i[k];
  }
  // Walk the closed polygon from its first crossing of v = 0, cutting it into lobes there.
  let start = -1;
  for (let k = 0; k < n && start < 0; k++) if (crosses(v[k], v[(k + 1) % n])) start = k;
  if (start < 0) return { signed: 0.5 * signed, absolute: 0.5 * Math.abs(signed) };
  let absolute = 0;
  let lobe = 0;
  let open = false; // whether a lobe has been started (at a crossing)
  let vPrev = v[start];
  let iPrev = i[start];
  for (let step = 1; step <= n; step++) {
    const k = (start + step) % n;
    const vk = v[k];
    const ik = i[k];
    if (crosses(vPrev, vk)) {
      // crossing point c on v = 0 (vPrev itself when it lies on the axis)
      const f = vPrev === 0 ? 0 : vPrev / (vPrev - vk);
      const ic = iPrev + f * (ik - iPrev);
      if (open) {
        // edge prev → c; the closing edge c → lobe start lies on v = 0 and adds nothing
        lobe += vPrev * ic;
        absolute += Math.abs(lobe);
      }
      open = true;
      lobe = 0;
      vPrev = 0;
      iPrev = ic;
    }
    lobe += vPrev * ik - vk * iPrev;
    vPrev = vk;
    iPrev = ik;
  }
  // the walk ended at v[start], just before the first crossing: close the last lobe there
  const vk = v[(start + 1) % n];
  const ik = i[(start + 1) % n];
  const f = vPrev === 0 ? 0 : vPrev / (vPrev - vk);
  const ic = iPrev + f * (ik - iPrev);
  lobe += vPrev * ic;
  absolute += Math.abs(lobe);
  return { signed: 0.5 * signed, absolute: 0.5 * absolute };
}

/** A strict sign change from a to b, or a sample a on the axis followed by a nonzero b. */
function crosses(a: number, b: number): boolean {
  return (a < 0 && b > 0) || (a > 0 && b < 0) || (a === 0 && b !== 0);
}
