import { describe, expect, it } from "vitest";
import { loadUnet, trainedEngine, unetForward } from "../../src/unet/index.js";
import { maxAbsDiff } from "../support/assert.js";

const FIXTURES = ["conv-mnist", "cellnn-mnist", "mcellnn-mnist"].map(
  (name) => `test/fixtures/models/${name}`,
);

function maxAbs(a: ArrayLike<number>): number {
  let m = 0;
  for (let k = 0; k < a.length; k++) m = Math.max(m, Math.abs(a[k]));
  return m;
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
  });
}
