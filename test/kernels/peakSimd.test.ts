import { describe, expect, it } from "vitest";
import { fusedOnThisCpu } from "../../src/core/fusedMultiplyAdd.js";
import { PEAK_CHAINS, peakSimd } from "../../src/kernels/peakSimd.js";

/**
 * The peak micro-benchmark computes what it says: every chain is p ← p·m (or s ← s + d) applied
 * 4 × iterations times, bit for bit as the same loop in JavaScript (Math.fround for float32),
 * and the FLOP count it returns matches the operations executed.
 */
describe("peakSimd", () => {
  const peak = peakSimd();

  for (const lanes of ["f64x2", "f32x4"] as const)
    for (const mix of ["mul", "add", "mul+add"] as const)
      it(`${lanes} ${mix}: chains equal the scalar loop, FLOP counted`, () => {
        expect(peak).not.toBeNull();
        const words = lanes === "f64x2" ? 2 : 4;
        const round = lanes === "f64x2" ? (v: number) => v : Math.fround;
        const view =
          lanes === "f64x2"
            ? new Float64Array(peak!.memory.buffer)
            : new Float32Array(peak!.memory.buffer);
        const [m, d, p0, s0] = [1.25, 0.375, 1.5, -2];
        for (const [at, v] of [
          [0, m],
          [1, d],
          [2, p0],
          [3, s0],
        ] as const)
          view.fill(v, at * words, (at + 1) * words);
        const iterations = 7;
        const flop = peak!.run(lanes, mix, iterations);
        let p = round(p0);
        let s = round(s0);
        for (let k = 0; k < 4 * iterations; k++) {
          p = round(p * m);
          s = round(s + d);
        }
        const chains = mix === "mul+add" ? PEAK_CHAINS / 2 : PEAK_CHAINS;
        const stored = Array.from(view.subarray(4 * words, (4 + 2 * chains) * words));
        const want: number[] = [];
        if (mix !== "add") for (let i = 0; i < chains * words; i++) want.push(p);
        if (mix !== "mul") for (let i = 0; i < chains * words; i++) want.push(s);
        expect(stored.slice(0, want.length)).toEqual(want);
        expect(flop).toBe(4 * iterations * PEAK_CHAINS * words);
      });

  it("f32x4 madd: every chain is p ← p·m + d rounded once (where fused), two FLOP per lane", () => {
    expect(peak).not.toBeNull();
    if (!peak!.madd) return;
    const view = new Float32Array(peak!.memory.buffer);
    const [m, d, p0] = [1.25, 0.375, 1.5];
    for (const [at, v] of [
      [0, m],
      [1, d],
      [2, p0],
    ] as const)
      view.fill(v, at * 4, (at + 1) * 4);
    const iterations = 7;
    const flop = peak!.run("f32x4", "madd", iterations);
    const fused = fusedOnThisCpu();
    let p = p0;
    // float32 products of float32 values are exact in float64; one rounding to float32 (fused),
    // or the product rounded first.
    for (let k = 0; k < 4 * iterations; k++)
      p = fused ? Math.fround(p * m + d) : Math.fround(Math.fround(p * m) + d);
    const stored = Array.from(view.subarray(16, 16 + 4 * PEAK_CHAINS));
    expect(stored).toEqual(new Array(4 * PEAK_CHAINS).fill(p));
    expect(flop).toBe(2 * 4 * iterations * PEAK_CHAINS * 4);
  });
});
