export { randomArray } from "../../src/cells/random.js";

/** A 3×3 EDGE array file (the classic template on one black pixel), as users write it. */
export const EDGE_3X3_DOCUMENT = {
  format: "cellspice-array",
  version: 1,
  name: "edge-3x3",
  rows: 3,
  cols: 3,
  templates: {
    A: [
      [0, 0, 0],
      [0, 1, 0],
      [0, 0, 0],
    ],
    B: [
      [-1, -1, -1],
      [-1, 8, -1],
      [-1, -1, -1],
    ],
    z: [-1],
  },
  boundary: { kind: "fixed", y: 0, u: -1 },
  input: [
    [-1, -1, -1],
    [-1, 1, -1],
    [-1, -1, -1],
  ],
};

/** Whether two arrays hold the same raw 64-bit patterns (so NaN or −0 differences show too). */
export function sameBits64(a: Float64Array, b: Float64Array): boolean {
  if (a.length !== b.length) return false;
  const x = new BigUint64Array(a.buffer, a.byteOffset, a.length);
  const y = new BigUint64Array(b.buffer, b.byteOffset, b.length);
  for (let k = 0; k < x.length; k++) if (x[k] !== y[k]) return false;
  return true;
}

/** Operands that arithmetic kernels must treat exactly as the TypeScript loops do. */
export const SPECIAL_VALUES: readonly number[] = [
  0,
  -0,
  1,
  -1,
  Number.POSITIVE_INFINITY,
  Number.NEGATIVE_INFINITY,
  Number.NaN,
  1e308,
];
