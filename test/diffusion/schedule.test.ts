import { describe, expect, it } from "vitest";
import { ddpmSchedule } from "../../src/diffusion/index.js";

describe("ddpmSchedule(n_T, betas)", () => {
  it("ddpmSchedule is linear in β from β_1 at t = 0 to β_2 at t = n_T, ᾱ the running product", () => {
    const s = ddpmSchedule(400, [1e-4, 0.02]);
    expect(s.beta).toHaveLength(401);
    expect(s.beta[0]).toBe(1e-4);
    expect(s.beta[400]).toBeCloseTo(0.02, 17);
    expect(s.beta[200]).toBeCloseTo((1e-4 + 0.02) / 2, 17);
    let product = 1;
    for (let t = 0; t <= 400; t++) {
      product *= 1 - s.beta[t];
      expect(s.alphaBar[t]).toBe(product);
    }
  });

  it("ddpmSchedule refuses bad n_T and betas, naming the manifest field", () => {
    expect(() => ddpmSchedule(0, [1e-4, 0.02])).toThrow(/^diffusion\.n_T/);
    expect(() => ddpmSchedule(400, [0.02, 1e-4])).toThrow(/^diffusion\.betas/);
    expect(() => ddpmSchedule(400, [0, 0.02])).toThrow(/^diffusion\.betas/);
  });
});
