import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import {
  ddimTimesteps,
  fmaFloat32,
  linspaceFloat32,
  roundHalfEven,
} from "../../src/diffusion/index.js";

const fixture = JSON.parse(
  readFileSync(new URL("./fixtures/ddim-timesteps.json", import.meta.url), "utf8"),
) as { n_T: number; taus: Record<string, number[]> };

describe("ddimTimesteps(n_T, S)", () => {
  it("ddimTimesteps(400, S) equals PyTorch's τ for S ∈ {1, 2, 10, 25, 50, 400}", () => {
    for (const [s, taus] of Object.entries(fixture.taus)) {
      expect(ddimTimesteps(fixture.n_T, Number(s))).toEqual(taus);
    }
  });

  it("ddimTimesteps refuses S outside 1…n_T, naming the field", () => {
    expect(() => ddimTimesteps(400, 0)).toThrow(/steps: got 0; valid: an integer in 1…400/);
    expect(() => ddimTimesteps(400, 401)).toThrow(/steps/);
    expect(() => ddimTimesteps(400, 2.5)).toThrow(/steps/);
  });
});

describe("linspaceFloat32(start, end, S)", () => {
  it("linspaceFloat32 hits both ends exactly and is exact where float32 is", () => {
    expect(Array.from(linspaceFloat32(400, 1, 1))).toEqual([400]);
    expect(Array.from(linspaceFloat32(0, 1, 5))).toEqual([0, 0.25, 0.5, 0.75, 1]);
    const v = linspaceFloat32(400, 1, 7);
    expect([v[0], v[6]]).toEqual([400, 1]);
    for (const x of v) expect(Math.fround(x)).toBe(x);
  });
});

describe("float32 arithmetic", () => {
  it("fmaFloat32 rounds once: a·b + c exactly, then to float32", () => {
    const f = Math.fround;
    // a·b = 2^-24 + 2^-60: the exact sum 1 + 2^-24 + 2^-60 is just above the tie between 1 and
    // 1 + 2^-23, so it rounds up; rounding a·b first, or the sum to double first, lands on the
    // tie and rounds to even (1).
    let a = f(1 + 2 ** -12);
    let b = f(2 ** -24 * (1 - 2 ** -12 + 2 ** -24));
    expect(a * b).toBe(2 ** -24 + 2 ** -60);
    expect(fmaFloat32(a, b, 1)).toBe(1 + 2 ** -23);
    expect(f(f(a * b) + 1)).toBe(1);
    expect(f(a * b + 1)).toBe(1);
    // a·b = 2^-24 − 2^-54 onto c = 1 + 2^-23: just below the tie, so it rounds down; the
    // double sum lands on the tie and rounds to even (1 + 2^-22).
    a = f(1 + 2 ** -15);
    b = f(2 ** -24 * (1 - 2 ** -15));
    const c = f(1 + 2 ** -23);
    expect(fmaFloat32(a, b, c)).toBe(1 + 2 ** -23);
    expect(f(a * b + c)).toBe(1 + 2 ** -22);
    // An exact tie rounds to even.
    expect(fmaFloat32(1, 2 ** -24, 1)).toBe(1);
    expect(fmaFloat32(3, 2 ** -24, 1)).toBe(1 + 2 ** -22);
  });

  it("roundHalfEven rounds ties to the even neighbour", () => {
    expect([0.5, 1.5, 2.5, -0.5, -1.5, 2.4999, 2.5001].map(roundHalfEven)).toEqual([
      0, 2, 2, 0, -2, 2, 3,
    ]);
  });
});
