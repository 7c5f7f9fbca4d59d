import { describe, expect, it } from "vitest";
import { seededRandom } from "../../src/core/random.js";
import { combineInto } from "../../src/solvers/combine.js";
import { SPECIAL_VALUES } from "../support/arrays.js";

/**
 * combineInto against what it replaces in the solvers (out.set(base) or out.fill(0), then one
 * `out[i] += c_j·k_j[i]` pass per term): the same bits (Object.is, so ±0 and NaN count), for 0–8
 * terms, a base and none, out distinct from the base and out = base, with ±0, ±∞, NaN and large
 * values among the operands and zero coefficients among the terms.
 */

const SPECIAL = SPECIAL_VALUES;

function values(rand: () => number, n: number): Float64Array {
  return Float64Array.from({ length: n }, () =>
    rand() < 0.2 ? SPECIAL[Math.floor(rand() * SPECIAL.length)] : 4 * (rand() - 0.5),
  );
}

function passPerTerm(base: Float64Array | null, c: number[], k: Float64Array[], n: number) {
  const out = new Float64Array(n);
  if (base) out.set(base);
  for (let j = 0; j < c.length; j++) for (let i = 0; i < n; i++) out[i] += c[j] * k[j][i];
  return out;
}

describe("combineInto: one pass, the bits of one pass per term", () => {
  it("0–8 terms, with and without a base, out distinct from or equal to the base", () => {
    const rand = seededRandom(3);
    const n = 37;
    let cases = 0;
    for (let terms = 0; terms <= 8; terms++)
      for (const withBase of [true, false])
        for (const inPlace of [false, true]) {
          if (inPlace && !withBase) continue;
          const base = withBase ? values(rand, n) : null;
          const c = Array.from({ length: terms }, () =>
            rand() < 0.2 ? [0, -0, -1][Math.floor(rand() * 3)] : 2 * rand() - 1,
          );
          const k = Array.from({ length: terms }, () => values(rand, n));
          const want = passPerTerm(base, c, k, n);
          const out = inPlace ? base! : new Float64Array(n).fill(Number.NaN);
          combineInto(out, base, c, k);
          for (let i = 0; i < n; i++)
            expect(Object.is(out[i], want[i]), `${terms} terms, element ${i}`).toBe(true);
          cases++;
        }
    expect(cases).toBe(27);
  });
});
