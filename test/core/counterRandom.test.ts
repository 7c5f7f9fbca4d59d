import { describe, expect, it } from "vitest";
import { philox4x32, RandomStream, randomStream, streamKey } from "../../src/core/counterRandom.js";
import { PHILOX_BLOCKS, philoxBlocks } from "../../src/core/philoxWasm.js";

const hex = (a: Uint32Array) => Array.from(a, (v) => v.toString(16).padStart(8, "0")).join(" ");

describe("philox4x32(counter, key)", () => {
  // Known-answer vectors of Philox4x32-10 published with Random123 (kat_vectors).
  it("reproduces the published known-answer vectors", () => {
    expect(hex(philox4x32([0, 0, 0, 0], [0, 0]))).toBe("6627e8d5 e169c58d bc57ac4c 9b00dbd8");
    const ones = 0xffffffff;
    expect(hex(philox4x32([ones, ones, ones, ones], [ones, ones]))).toBe(
      "408f276d 41c83b0e a20bc7c6 6d5451fd",
    );
    expect(
      hex(philox4x32([0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344], [0xa4093822, 0x299f31d0])),
    ).toBe("d16cfe09 94fdcceb 5001e420 24126ea1");
  });
});

describe("randomStream(seed, ...labels)", () => {
  it("is a pure function of (key, index): order of evaluation does not matter", () => {
    const a = randomStream(7, "x_T");
    const forward = Array.from({ length: 50 }, (_, i) => a.normal(i));
    const b = randomStream(7, "x_T");
    const backward = Array.from({ length: 50 }, (_, i) => b.normal(49 - i)).reverse();
    expect(backward).toEqual(forward);
    expect(randomStream(7, "z").normal(0)).not.toBe(forward[0]);
    expect(streamKey(7, "a", "b")).not.toEqual(streamKey(7, "ab"));
  });

  it("gives uniforms in [0, 1) and standard normals with the right moments", () => {
    const s = new RandomStream(streamKey(1, "moments"));
    const n = 200_000;
    const u = s.fillUniform(new Float64Array(n));
    const z = s.fillNormal(new Float64Array(n));
    let mu = 0;
    let mz = 0;
    let vz = 0;
    let k4 = 0;
    for (let i = 0; i < n; i++) {
      expect(u[i] >= 0 && u[i] < 1).toBe(true);
      mu += u[i] / n;
      mz += z[i] / n;
    }
    for (let i = 0; i < n; i++) {
      vz += (z[i] - mz) ** 2 / n;
      k4 += (z[i] - mz) ** 4 / n;
    }
    // Standard errors at n = 2e5: mean of U 6.5e-4, mean of Z 2.2e-3, variance 3.2e-3, 4th moment 0.02.
    expect(Math.abs(mu - 0.5)).toBeLessThan(4 * 6.5e-4);
    expect(Math.abs(mz)).toBeLessThan(4 * 2.2e-3);
    expect(Math.abs(vz - 1)).toBeLessThan(4 * 3.2e-3);
    expect(Math.abs(k4 - 3)).toBeLessThan(4 * 0.02);
  });

  it("refuses indices that are not non-negative integers", () => {
    expect(() => randomStream(0).normal(-1)).toThrow(RangeError);
    expect(() => randomStream(0).uniform(0.5)).toThrow(/index 0.5/);
  });
});

describe("the WebAssembly Philox kernel and the block fills", () => {
  it("gives the words of philox4x32, for any key and counter", () => {
    const blocks = philoxBlocks();
    expect(blocks).not.toBeNull();
    const rng = randomStream(5, "keys");
    for (let trial = 0; trial < 20; trial++) {
      const word = (k: number) => Math.floor(rng.uniform(trial * 8 + k) * 4294967296);
      const key = [word(0), word(1)];
      const c0 = trial === 0 ? 4294967296 - 3 : word(2);
      const [c1, c2] = [word(3), trial % 2];
      const count = Math.min(3, 4294967296 - c0);
      const got = Array.from(blocks!(key[0], key[1], c0, c1, c2, count).subarray(0, 4 * count));
      const want = Array.from({ length: count }, (_, i) => [
        ...philox4x32([c0 + i, c1, c2, 0], key),
      ]).flat();
      expect(got).toEqual(want);
    }
    expect(() => blocks!(0, 0, 4294967296 - 2, 0, 0, 3)).toThrow(/exceed/);
    expect(() => blocks!(0, 0, 0, 0, 0, PHILOX_BLOCKS + 1)).toThrow(/exceed/);
  });

  it("fills the same numbers as element by element, across kernel blocks and the 2^32 carry", () => {
    const s = randomStream(11, "fill");
    for (const start of [0, 17, 4294967296 - 5000, 2 ** 44 + 3]) {
      const n = PHILOX_BLOCKS * 2 + 123;
      const z = s.fillNormal(new Float64Array(n), start);
      const u = s.fillUniform(new Float64Array(n), start);
      let differ = 0;
      for (let k = 0; k < n; k++)
        if (!Object.is(z[k], s.normal(start + k)) || !Object.is(u[k], s.uniform(start + k)))
          differ++;
      expect(differ).toBe(0);
    }
    expect(() => s.fillNormal(new Float64Array(4), 2 ** 52 - 2)).toThrow(RangeError);
    expect(s.fillNormal(new Float64Array(0), 2 ** 60).length).toBe(0);
  });
});

describe("fillNormal(out, start, need)", () => {
  it("draws only where needed, the same numbers there, and 0 elsewhere", () => {
    const s = randomStream(2, "need");
    const n = PHILOX_BLOCKS + 77;
    const need = Uint8Array.from({ length: n }, (_, k) => (k % 3 === 1 ? 0 : 1));
    const z = s.fillNormal(new Float64Array(n), 1000, need);
    let differ = 0;
    for (let k = 0; k < n; k++) if (!Object.is(z[k], need[k] ? s.normal(1000 + k) : 0)) differ++;
    expect(differ).toBe(0);
    expect(() => s.fillNormal(new Float64Array(4), 0, new Uint8Array(3))).toThrow(/need has 3/);
  });
});
