/**
 * out[i] = (((base[i] + c_0·k_0[i]) + c_1·k_1[i]) + …) in one pass over the arrays: the same
 * operations in the same order as `out.set(base)` followed by one `out[i] += c_j·k_j[i]` pass per
 * term, so the same bits, with each operand read once instead of out once per term. A null base
 * starts from 0 (as `out.fill(0)` then the passes: 0 + c_0·k_0 keeps +0 for a −0 product). Up to
 * six terms take an unrolled loop, more one pass per term. `out` may not be one of the k_j; it may
 * be `base`.
 */
export function combineInto(
  out: Float64Array,
  base: Float64Array | null,
  c: readonly number[],
  k: readonly Float64Array[],
): void {
  const n = out.length;
  switch (c.length) {
    case 0:
      if (base === null) out.fill(0);
      else if (base !== out) out.set(base);
      return;
    case 1: {
      const [c0] = c;
      const [k0] = k;
      if (base === null) for (let i = 0; i < n; i++) out[i] = 0 + c0 * k0[i];
      else for (let i = 0; i < n; i++) out[i] = base[i] + c0 * k0[i];
      return;
    }
    case 2: {
      const [c0, c1] = c;
      const [k0, k1] = k;
      if (base === null) for (let i = 0; i < n; i++) out[i] = 0 + c0 * k0[i] + c1 * k1[i];
      else for (let i = 0; i < n; i++) out[i] = base[i] + c0 * k0[i] + c1 * k1[i];
      return;
    }
    case 3: {
      const [c0, c1, c2] = c;
      const [k0, k1, k2] = k;
      if (base === null)
        for (let i = 0; i < n; i++) out[i] = 0 + c0 * k0[i] + c1 * k1[i] + c2 * k2[i];
      else for (let i = 0; i < n; i++) out[i] = base[i] + c0 * k0[i] + c1 * k1[i] + c2 * k2[i];
      return;
    }
    case 4: {
      const [c0, c1, c2, c3] = c;
      const [k0, k1, k2, k3] = k;
      if (base === null)
        for (let i = 0; i < n; i++) out[i] = 0 + c0 * k0[i] + c1 * k1[i] + c2 * k2[i] + c3 * k3[i];
      else
        for (let i = 0; i < n; i++)
          out[i] = base[i] + c0 * k0[i] + c1 * k1[i] + c2 * k2[i] + c3 * k3[i];
      return;
    }
    case 5: {
      const [c0, c1, c2, c3, c4] = c;
      const [k0, k1, k2, k3, k4] = k;
      if (base === null)
        for (let i = 0; i < n; i++)
          out[i] = 0 + c0 * k0[i] + c1 * k1[i] + c2 * k2[i] + c3 * k3[i] + c4 * k4[i];
      else
        for (let i = 0; i < n; i++)
          out[i] = base[i] + c0 * k0[i] + c1 * k1[i] + c2 * k2[i] + c3 * k3[i] + c4 * k4[i];
      return;
    }
    case 6: {
      const [c0, c1, c2, c3, c4, c5] = c;
      const [k0, k1, k2, k3, k4, k5] = k;
      if (base === null)
        for (let i = 0; i < n; i++)
          out[i] = 0 + c0 * k0[i] + c1 * k1[i] + c2 * k2[i] + c3 * k3[i] + c4 * k4[i] + c5 * k5[i];
      else
        for (let i = 0; i < n; i++)
          out[i] =
            base[i] + c0 * k0[i] + c1 * k1[i] + c2 * k2[i] + c3 * k3[i] + c4 * k4[i] + c5 * k5[i];
      return;
    }
    default:
      if (base === null) out.fill(0);
      else if (base !== out) out.set(base);
      for (let j = 0; j < c.length; j++) {
        const [cj, kj] = [c[j], k[j]];
        for (let i = 0; i < n; i++) out[i] += cj * kj[i];
      }
  }
}
