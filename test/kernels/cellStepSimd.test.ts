import { describe, expect, it } from "vitest";
import { seededRandom } from "../../src/core/random.js";
import { newTaps3x3F32, newTaps3x3Simd, type Taps3x3Simd } from "../../src/kernels/taps3x3Simd.js";
import { mixedRegions } from "../../src/kernels/workspace.js";

/**
 * The element-wise step functions of the kernels' modules (src/kernels/cellStepSimd.ts) against
 * the TypeScript loops they replace in the trained engine's fused path: the same bits (NaN as
 * NaN), on every row length 1–9 (even and odd: vector pairs and the scalar last column), 1 and
 * 3 channels, both modules (float64 and float32 padded fields), with ±0, ±1, ±∞, NaN and large
 * values among the states.
 */

const MODULES: ReadonlyArray<[string, () => Taps3x3Simd | null, boolean]> = [
  ["float64 module", newTaps3x3Simd, false],
  ["float32 module", newTaps3x3F32, true],
];
const SPECIAL = [0, -0, 1, -1, 1 + 2 ** -52, -1 - 2 ** -52, Infinity, -Infinity, Number.NaN, 1e300];

function values(rand: () => number, length: number): Float64Array {
  return Float64Array.from({ length }, () =>
    rand() < 0.2 ? SPECIAL[Math.floor(rand() * SPECIAL.length)] : 6 * (rand() - 0.5),
  );
}

const sameBits = (got: ArrayLike<number>, want: ArrayLike<number>) =>
  Array.from(got).every((g, i) => Object.is(g, want[i]));

describe("cell step functions in WebAssembly: the TypeScript loops' bits", () => {
  for (const [name, create, float32] of MODULES) {
    const instance = create();
    it.skipIf(instance === null)(`output: clamp into the padded field, cI − v (${name})`, () => {
      const step = instance!.step;
      const rand = seededRandom(11);
      for (const channels of [1, 3])
        for (let rows = 1; rows <= 4; rows++)
          for (let cols = 1; cols <= 9; cols++) {
            const n = channels * rows * cols;
            const pc = cols + 2;
            const plane = (rows + 2) * pc;
            const [state, cI, out, padded] = mixedRegions(instance!.memory, [
              { length: n },
              { length: n },
              { length: n },
              { length: channels * plane, float32 },
            ] as const);
            state.set(values(rand, n));
            cI.set(values(rand, n));
            padded.fill(7);
            const [alpha, beta] = rand() < 0.5 ? [0, 1] : [rand() * 0.2, 1 - rand() * 0.2];
            const eb = float32 ? 4 : 8;
            step.output(
              state.byteOffset,
              cI.byteOffset,
              out.byteOffset,
              padded.byteOffset + eb * (pc + 1),
              eb * plane,
              eb * pc,
              channels,
              rows,
              cols,
              alpha,
              beta,
            );
            const wantPadded = float32
              ? new Float32Array(channels * plane)
              : new Float64Array(channels * plane);
            wantPadded.fill(7);
            const wantOut = new Float64Array(n);
            for (let c = 0; c < channels; c++)
              for (let i = 0; i < rows; i++)
                for (let j = 0; j < cols; j++) {
                  const m = (c * rows + i) * cols + j;
                  const v = state[m];
                  wantPadded[c * plane + (i + 1) * pc + j + 1] =
                    alpha * v + beta * (v > 1 ? 1 : v < -1 ? -1 : v);
                  wantOut[m] = cI[m] - v;
                }
            const what = `${channels}×${rows}×${cols}`;
            expect(sameBits(padded, wantPadded), `${what} padded (border untouched)`).toBe(true);
            expect(sameBits(out, wantOut), `${what} out`).toBe(true);
          }
    });

    it.skipIf(instance === null)(`axpy, addSums, nonFinite (${name})`, () => {
      const step = instance!.step;
      const rand = seededRandom(12);
      for (let n = 1; n <= 17; n++) {
        const [out, y, k, sums, result] = mixedRegions(instance!.memory, [
          { length: n },
          { length: n },
          { length: n },
          { length: n, float32: true },
          { length: 2 },
        ] as const);
        y.set(values(rand, n));
        k.set(values(rand, n));
        const c = rand() - 0.5;
        step.axpy(out.byteOffset, y.byteOffset, k.byteOffset, n, c);
        expect(
          sameBits(
            out,
            y.map((v, m) => v + c * k[m]),
          ),
          `axpy n=${n}`,
        ).toBe(true);
        // In place (out = y), as the solver's later terms are added.
        const before = y.slice();
        step.axpy(y.byteOffset, y.byteOffset, k.byteOffset, n, c);
        expect(
          sameBits(
            y,
            before.map((v, m) => v + c * k[m]),
          ),
          `axpy in place n=${n}`,
        ).toBe(true);

        sums.set(values(rand, n));
        const base = out.slice();
        step.addSums(out.byteOffset, sums.byteOffset, n);
        expect(
          sameBits(
            out,
            base.map((v, m) => v + sums[m]),
          ),
          `addSums n=${n}`,
        ).toBe(true);

        const finite = Float64Array.from({ length: n }, () => 1e300 * (rand() - 0.5));
        y.set(finite);
        step.nonFinite(y.byteOffset, n, result.byteOffset);
        expect([result[0], result[1]], `nonFinite of finite values, n=${n}`).toEqual([0, 0]);
        for (const bad of [Infinity, -Infinity, Number.NaN]) {
          const at = Math.floor(rand() * n);
          y.set(finite);
          y[at] = bad;
          step.nonFinite(y.byteOffset, n, result.byteOffset);
          expect(
            Number.isNaN(result[0]) || Number.isNaN(result[1]),
            `nonFinite finds ${bad} at ${at} of ${n}`,
          ).toBe(true);
        }
      }
    });
  }
});
