import type { Real } from "./real.js";

/**
 * Copies `count` consecutive h×w planes of `x`, starting at `offset` (one batch element of an
 * NCHW array), into `out` with `p` zero rows and columns on every side
 * (out: count × (h+2p) × (w+2p) from `outOffset`, overwritten). Plain loops, no views created.
 */
export function padPlanes(
  x: Real,
  offset: number,
  count: number,
  h: number,
  w: number,
  p: number,
  out: Real,
  outOffset = 0,
): void {
  const wp = w + 2 * p;
  let d = outOffset;
  let s = offset;
  for (let c = 0; c < count; c++) {
    for (let q = 0; q < p * wp; q++) out[d++] = 0;
    for (let i = 0; i < h; i++) {
      for (let q = 0; q < p; q++) out[d++] = 0;
      for (let j = 0; j < w; j++) out[d++] = x[s++];
      for (let q = 0; q < p; q++) out[d++] = 0;
    }
    for (let q = 0; q < p * wp; q++) out[d++] = 0;
  }
}
