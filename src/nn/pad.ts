import type { Real } from "./real.js";

/**
 * Copies `count` consecutive h×w planes of `x`, starting at `offset` (one batch element of an
 * NCHW array), into `out` with `p` zero rows and columns on every side
 * (out: count × (h+2p) × (w+2p), overwritten).
 */
export function padPlanes(
  x: Real,
  offset: number,
  count: number,
  h: number,
  w: number,
  p: number,
  out: Real,
): void {
  const wp = w + 2 * p;
  const hp = h + 2 * p;
  out.fill(0, 0, count * hp * wp);
  for (let c = 0; c < count; c++) {
    for (let i = 0; i < h; i++) {
      const src = offset + (c * h + i) * w;
      out.set(x.subarray(src, src + w), (c * hp + i + p) * wp + p);
    }
  }
}
