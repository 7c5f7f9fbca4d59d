import { describe, expect, it } from "vitest";
import { guidedEps, type NoisePredictor } from "../../src/diffusion/index.js";

/** A network whose ε is a known function of (x, c, t, drop), recording each call's batch. */
function linearNetwork() {
  const calls: { x: number[]; c: number[]; t: number[]; drop: number[] }[] = [];
  const pixels = 3;
  const network: NoisePredictor = (x, c, t, drop) => {
    calls.push({ x: Array.from(x), c: Array.from(c), t: Array.from(t), drop: Array.from(drop) });
    const out = new Float64Array(x.length);
    for (let k = 0; k < c.length; k++)
      for (let p = 0; p < pixels; p++) {
        const i = k * pixels + p;
        out[i] = 0.5 * x[i] + t[k] + (1 - drop[k]) * (c[k] + 1) * 0.1 * (p + 1);
      }
    return out;
  };
  return { network, calls };
}

describe("guidedEps(network, c, w, n_T)", () => {
  const x = Float64Array.from([0.1, -0.2, 0.3, 1, 2, 3]);
  const c = Int32Array.from([4, 7]);

  it("guidedEps gives (1 + w)·ε(x, c) − w·ε(x, ∅) from ONE batched forward of 2n images", async () => {
    const { network, calls } = linearNetwork();
    const w = 2;
    const e = await guidedEps(network, c, w, 400)(x, 100, 2);
    expect(calls).toHaveLength(1);
    expect(calls[0].c).toEqual([4, 7, 4, 7]);
    expect(calls[0].drop).toEqual([0, 0, 1, 1]);
    expect(calls[0].t).toEqual([0.25, 0.25, 0.25, 0.25]);
    expect(calls[0].x).toEqual([...x, ...x]);
    // ε(x, c) − ε(x, ∅) = (c + 1)·0.1·(p + 1), so ε̃ = ε(x, ∅) + (1 + w)·that.
    const expected = Array.from(x, (v, i) => {
      const k = Math.floor(i / 3);
      const p = i % 3;
      return 0.5 * v + 0.25 + (1 + w) * (c[k] + 1) * 0.1 * (p + 1);
    });
    for (let i = 0; i < 6; i++) expect(e[i]).toBeCloseTo(expected[i], 14);
  });

  it("guidedEps with w = 0 is one conditional pass of n images", async () => {
    const { network, calls } = linearNetwork();
    const e = await guidedEps(network, c, 0, 400)(x, 400, 2);
    expect(calls).toHaveLength(1);
    expect(calls[0].drop).toEqual([0, 0]);
    expect(calls[0].t).toEqual([1, 1]);
    expect(Array.from(e)).toEqual(
      Array.from(x, (v, i) => 0.5 * v + 1 + (c[Math.floor(i / 3)] + 1) * 0.1 * ((i % 3) + 1)),
    );
  });

  it("guidedEps refuses a batch whose labels do not match and a non-finite w", async () => {
    const { network } = linearNetwork();
    await expect(async () => guidedEps(network, c, 1, 400)(x, 1, 3)).rejects.toThrow(/labels/);
    expect(() => guidedEps(network, c, Number.NaN, 400)).toThrow(/guidance weight/);
  });
});
