import { describe, expect, it } from "vitest";
import { goldenDdim, loadUnet, trainedEngine, unetForward } from "../../src/unet/index.js";
import { maxAbsDiff } from "../support/assert.js";

const FIXTURES = ["conv-mnist", "cellnn-mnist", "mcellnn-mnist"].map(
  (name) => `test/fixtures/models/${name}`,
);

function maxAbs(a: ArrayLike<number>): number {
  let m = 0;
  for (let k = 0; k < a.length; k++) m = Math.max(m, Math.abs(a[k]));
  return m;
}

/** ᾱ_t = Π_{s=0..t} (1 − β_s), β_s = β_1 + (β_2 − β_1)·s/n_T (training/diffusion.py). */
function alphaBar(unet: ReturnType<typeof loadUnet>, t: number): number {
  const [b1, b2] = unet.betas;
  let a = 1;
  for (let s = 0; s <= t; s++) a *= 1 - (b1 + ((b2 - b1) * s) / unet.nT);
  return a;
}

function goldenInputs(unet: ReturnType<typeof loadUnet>) {
  const g = (name: string) => {
    const t = unet.golden?.get(name);
    if (!t) throw new Error(`golden data lack ${name}`);
    return t.data;
  };
  return {
    x_t: g("forward.x_t"),
    c: Int32Array.from(g("forward.c")),
    t: g("forward.t"),
    drop: g("forward.drop"),
  };
}

for (const dir of FIXTURES) {
  describe(`unetForward on ${dir}`, () => {
    const unet = loadUnet(dir);

    it("reproduces the golden ε and every block's tensors on the way (trained engine)", () => {
      const { x_t, c, t, drop } = goldenInputs(unet);
      const trace = new Map<string, Float64Array>();
      const eps = unetForward(unet, x_t, c, t, drop, trainedEngine(), { trace });
      const golden = unet.golden!;
      const want = golden.get("forward.output")!.data;
      // Both sides compute in float64 from the same float32 weights and input; the golden values
      // are rounded to float32 (relative 6e-8), so 1e-6 relative leaves a margin of 16.
      expect(maxAbsDiff(eps, want) / maxAbs(want)).toBeLessThan(1e-6);
      const names = [...golden.keys()].filter((k) => k.startsWith("layers."));
      expect(names.length).toBe(
        unet.backbone === "mcellnn" ? 28 : unet.backbone === "cellnn" ? 21 : 14,
      );
      for (const name of names) {
        const got = trace.get(name);
        expect(got, name).toBeDefined();
        const ref = golden.get(name)!.data;
        // The same float32 rounding of the golden values; w(T) passes through exponentials of
        // arguments up to ~1e2 where a memristor switches, which multiplies a relative 1e-16
        // difference of its inputs by at most that much — still far below float32 rounding.
        expect(maxAbsDiff(got!, ref) / Math.max(1, maxAbs(ref)), name).toBeLessThan(1e-6);
      }
    });

    it("a guided batch (2 conditional, 2 dropped) takes the golden DDIM trajectory's first step, and each element equals its batch-1 run", () => {
      const ddim = goldenDdim(unet);
      const n = 2; // the first 2 of the trajectory's 4 samples (time)
      const per = ddim.sampleSize;
      const x = new Float64Array(2 * n * per);
      const xStart = ddim.xStart.subarray(0, n * per);
      x.set(xStart, 0);
      x.set(xStart, n * per);
      const cond = ddim.c.subarray(0, n);
      const c = Int32Array.from([...cond, ...cond]);
      const [tau, next] = ddim.timesteps;
      const t = new Float64Array(2 * n).fill(tau / unet.nT);
      const drop = Float64Array.from({ length: 2 * n }, (_, k) => (k < n ? 0 : 1));
      const both = unetForward(unet, x, c, t, drop, trainedEngine());
      const ab = alphaBar(unet, tau);
      const abNext = alphaBar(unet, next);
      const x1 = new Float64Array(n * per);
      for (let p = 0; p < n * per; p++) {
        const e = (1 + ddim.w) * both[p] - ddim.w * both[n * per + p];
        const x0 = (xStart[p] - Math.sqrt(1 - ab) * e) / Math.sqrt(ab);
        x1[p] = Math.sqrt(abNext) * x0 + Math.sqrt(1 - abNext) * e;
      }
      // x[1] is stored float32 (|x| ≲ 5: rounding ≤ 3e-7).
      expect(maxAbsDiff(x1, ddim.x[1].subarray(0, n * per))).toBeLessThan(2e-6);
      // Element k of the batch is the same computation as a batch of one.
      for (const k of [0, n + 1]) {
        const one = unetForward(
          unet,
          x.subarray(k * per, (k + 1) * per),
          c.subarray(k, k + 1),
          t.subarray(k, k + 1),
          drop.subarray(k, k + 1),
          trainedEngine(),
        );
        expect(Array.from(both.subarray(k * per, (k + 1) * per))).toEqual(Array.from(one));
      }
      // Dropping the class changes ε, so the guidance above is tested (the untrained conv
      // fixture barely uses its class: 3e-5; the trained ones much more).
      expect(
        maxAbsDiff(both.subarray(0, per), both.subarray(n * per, (n + 1) * per)),
      ).toBeGreaterThan(1e-5);
    });
  });
}
