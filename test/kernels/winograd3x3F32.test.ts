import { describe, expect, it } from "vitest";
import { seededRandom } from "../../src/core/random.js";
import { correlateAdd3x3F32 } from "../../src/kernels/correlate3x3F32.js";
import { newTaps3x3F32 } from "../../src/kernels/taps3x3Simd.js";
import {
  correlate3x3Winograd,
  correlateAdd3x3Winograd,
  winogradApplies,
  winogradFilter,
  winogradInputOverrun,
  winogradLargestTile,
  winogradTiling,
} from "../../src/kernels/winograd3x3F32.js";
import { mixedRegions } from "../../src/kernels/workspace.js";
import { fmaVariants } from "./fmaVariants.js";

/**
 * Winograd's F(2×2, 3×3) in float32 (src/kernels/winograd3x3F32.ts) against the direct sums in
 * float64 of the same float32 inputs (a closed form: Σ_c Σ_kl A[o][c][k][l]·p[c][i+k][j+l]), on
 * channels 4–32 (square, and C_in ≠ C_out as B's are: 1 → 16, 16 → 32, 3 → 4, 33 → 8) and fields
 * whose tile rows fill 0–3 lanes of their last vector (cols 2–30), with random and zero-padded
 * borders. The error is relative to the sums' magnitude scale
 * Σ|A|·|p| (what float32 rounding is proportional to); bound 2e-6 (≈ 17 float32 ulp: the
 * transforms add up to 16 rounded terms twice). The direct f32x4 taps are measured beside it: the
 * Winograd error must stay within a small factor of theirs. F(4×4, 3×3) (winograd4x4F32.ts) on
 * every shape whose rows and cols are multiples of 4 (tile rows of 1–7 tiles): bound 1e-5 on the
 * same scale (measured 0.7–6.5e-6, 10–50× the direct taps': its transforms multiply by up to 8
 * and 1/24), and the same bit-for-bit accumulating variant. Both forms of the float32 module:
 * separate multiplies and adds, and fused multiply-add. The accumulating variant
 * (correlateAdd3x3Winograd, float64 field) must equal field + float64(sums) bit for bit.
 */

const variants = fmaVariants(newTaps3x3F32);
/** F(4×4, 3×3)'s bound on the same scale (its transforms' coefficients reach 8 and 1/24). */
const F4_BOUND = 1e-5;
/** [C_out, C_in, rows, cols]: square templates (A) and rectangular ones (B: 1 → 16, 16 → 32). */
const SHAPES: ReadonlyArray<[number, number, number, number]> = [
  [4, 4, 2, 2],
  [4, 4, 4, 6],
  [4, 4, 2, 18],
  [8, 8, 6, 10],
  [8, 8, 10, 14],
  [12, 12, 8, 12],
  [16, 16, 28, 28],
  [32, 32, 14, 14],
  [4, 4, 12, 30],
  [16, 1, 28, 28],
  [32, 16, 14, 14],
  [4, 3, 6, 6],
  [8, 33, 4, 10],
  // F(4×4): rows and cols multiples of 4, tile rows of 1–7 tiles (0–3 in the last vector)
  [4, 4, 4, 4],
  [8, 8, 8, 8],
  [4, 4, 4, 12],
  [32, 16, 16, 16],
  [8, 8, 4, 20],
  [4, 3, 8, 24],
  [8, 33, 12, 28],
];

describe.each(variants)(
  "Winograd in float32 (%s): the direct sums within float32 rounding",
  (_form, compiled) => {
    for (const largest of [2, 4] as const)
      for (const [C, Cin, rows, cols] of SHAPES) {
        const tiling = winogradTiling(rows, cols, largest);
        // every shape under F(2×2); under F(4×4) those whose rows and cols are multiples of 4
        if (largest === 4 && tiling.m !== 4) continue;
        it.skipIf(compiled === null)(
          `F(${tiling.m}×${tiling.m}, 3×3): ${Cin} → ${C} channels, ${rows}×${cols}`,
          () => {
            const simd = compiled!;
            const rand = seededRandom(C * 1000 + Cin * 77 + rows * 31 + cols);
            const { tiles8, positions } = tiling;
            const pc = cols + 2;
            const plane = (rows + 2) * pc;
            const n = C * rows * cols;
            const [coef, padded, sums, direct, U, V, M, field] = mixedRegions(simd.memory, [
              { length: C * Cin * 9, float32: true },
              { length: Cin * plane + winogradInputOverrun(cols), float32: true },
              // one float past the sums: the output transform must not write it
              { length: n + 1, float32: true },
              { length: n, float32: true },
              { length: positions * C * Cin, float32: true },
              { length: positions * Cin * tiles8, float32: true },
              { length: positions * C * tiles8, float32: true },
              // the float64 field of correlateAdd3x3Winograd, one value past it too
              { length: n + 1 },
            ]);
            const A = Float64Array.from(
              { length: C * Cin * 9 },
              () => (2 * rand() - 1) / Math.sqrt(Cin),
            );
            coef.set(A);
            // The border is random for odd-numbered shapes (a periodic or fixed border), zero otherwise.
            const randomBorder = (rows + cols) % 4 === 2;
            for (let m = 0; m < Cin * plane; m++) padded[m] = randomBorder ? 2 * rand() - 1 : 0;
            for (let c = 0; c < Cin; c++)
              for (let i = 0; i < rows; i++)
                for (let j = 0; j < cols; j++)
                  padded[c * plane + (i + 1) * pc + j + 1] = 4 * rand() - 2;
            // What lies past the field is read (the overrun) but must not reach a real output.
            // (A cropped F(4×4) field mixes that slack into its last tile row through rounding,
            // so it must be finite there: zeros, as every caller leaves it.)
            const cropped = tiling.lastRows < tiling.m || tiling.lastCols < tiling.m;
            for (let m = Cin * plane; m < padded.length; m++) padded[m] = cropped ? 0 : Number.NaN;

            const want = new Float64Array(n);
            const scale = new Float64Array(n);
            for (let o = 0; o < C; o++)
              for (let c = 0; c < Cin; c++)
                for (let i = 0; i < rows; i++)
                  for (let j = 0; j < cols; j++)
                    for (let k = 0; k < 3; k++)
                      for (let l = 0; l < 3; l++) {
                        const term =
                          coef[9 * (o * Cin + c) + 3 * k + l] *
                          padded[c * plane + (i + k) * pc + j + l];
                        want[(o * rows + i) * cols + j] += term;
                        scale[(o * rows + i) * cols + j] += Math.abs(term);
                      }

            winogradFilter(coef, C, Cin, U, tiling.m);
            sums.fill(Number.NaN);
            const out = sums.subarray(0, n);
            const operands = { U, V, M };
            correlate3x3Winograd(simd.winograd!, C, Cin, operands, padded, rows, cols, out, tiling);
            direct.fill(0);
            correlateAdd3x3F32(simd, C, Cin, coef, padded, rows, cols, direct);
            let winogradError = 0;
            let directError = 0;
            for (let m = 0; m < n; m++) {
              winogradError = Math.max(winogradError, Math.abs(sums[m] - want[m]) / scale[m]);
              directError = Math.max(directError, Math.abs(direct[m] - want[m]) / scale[m]);
            }
            expect(winogradError).toBeLessThan(tiling.m === 4 ? F4_BOUND : 2e-6);
            if (tiling.m === 2) expect(winogradError).toBeLessThan(8 * directError + 1e-7);
            expect(winogradError).toBeGreaterThan(0); // float32: not the float64 sums
            expect(Number.isNaN(sums[n])).toBe(true);

            // The accumulating output transform: out + float64(sums), the same bits, nothing past it.
            const base = Float64Array.from({ length: n }, () => 8 * rand() - 4);
            field.set(base);
            field[n] = Number.NaN;
            const w = simd.winograd!;
            correlateAdd3x3Winograd(w, C, Cin, operands, padded, rows, cols, field, tiling);
            let first = -1;
            for (let m = 0; m < n && first < 0; m++)
              if (!Object.is(field[m], base[m] + sums[m])) first = m;
            expect(first, `first differing output ${first}`).toBe(-1);
            expect(Number.isNaN(field[n])).toBe(true);
          },
        );
      }

    it("tiles 4×4 where its products are fewer (cropped to rows, cols ≡ 2 mod 4), else 2×2; CELLSPICE_WINOGRAD_TILE=2 keeps 2×2", () => {
      expect(winogradTiling(28, 28)).toMatchObject({ m: 4, positions: 36, tr: 7, tc: 7, tc4: 8 });
      expect(winogradTiling(28, 28)).toMatchObject({ tiles8: 56, lastRows: 4, lastCols: 4 });
      // 14 × 14 as 16 × 16 cropped: 16 tiles of 36 products against 49 blocks of 16
      expect(winogradTiling(14, 14)).toMatchObject({ m: 4, tr: 4, tc: 4, tiles8: 16 });
      expect(winogradTiling(14, 14)).toMatchObject({ lastRows: 2, lastCols: 2 });
      expect(winogradTiling(14, 28)).toMatchObject({ m: 4, lastRows: 2, lastCols: 4 });
      // too small for the cropped tiles to pay: 6 × 6 (144 against 144), 2 × 18
      expect(winogradTiling(6, 6)).toMatchObject({ m: 2, positions: 16, tr: 3, tc: 3 });
      expect(winogradTiling(2, 18).m).toBe(2);
      expect(winogradTiling(28, 28, 2)).toMatchObject({ m: 2, positions: 16, tiles8: 200 });
      expect(winogradTiling(14, 14, 2)).toMatchObject({ m: 2, lastRows: 2, lastCols: 2 });
      expect(winogradLargestTile(undefined)).toBe(4);
      expect(winogradLargestTile("4")).toBe(4);
      expect(winogradLargestTile("2")).toBe(2);
      expect(() => winogradLargestTile("3")).toThrow(/CELLSPICE_WINOGRAD_TILE.*4 \| 2/);
    });

    it("applies to even fields with channels in fours only", () => {
      expect(winogradApplies(16, 28, 28)).toBe(true);
      expect(winogradApplies(32, 14, 14)).toBe(true);
      expect(winogradApplies(16, 7, 7)).toBe(false);
      expect(winogradApplies(16, 14, 7)).toBe(false);
      expect(winogradApplies(3, 14, 14)).toBe(false);
      expect(winogradApplies(4, 0, 14)).toBe(false);
    });

    it("U = G·g·Gᵀ: a template with one nonzero tap gives the closed-form rows", () => {
      // g = centre tap 1 (k = l = 1): G·g is (0, ½, −½, 0) in its middle column and 0 elsewhere,
      // so U[i][j] = Gc[i]·Gc[j] with Gc = (0, ½, −½, 0) (±0 alike).
      const A = new Float64Array(9);
      A[4] = 1;
      const U = new Float32Array(16);
      winogradFilter(A, 1, 1, U);
      const Gc = [0, 0.5, -0.5, 0];
      for (let i = 0; i < 4; i++)
        for (let j = 0; j < 4; j++) expect(U[4 * i + j] === Gc[i] * Gc[j]).toBe(true);
    });
  },
);
