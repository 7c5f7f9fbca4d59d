import { describe, expect, it } from "vitest";
import { memoryStream } from "../../src/bench/memoryStream.js";

describe("memoryStream", () => {
  it("reads every element once: its four lane sums are those of every fourth element", () => {
    const probe = memoryStream(1000);
    if (probe === null) throw new Error("no WebAssembly SIMD");
    expect(probe.data.length).toBe(1008);
    // Small integers: every partial sum is exact in float32, whatever the order.
    for (let i = 0; i < probe.data.length; i++) probe.data[i] = (i % 7) + (i % 4) * 100;
    const expected = [0, 0, 0, 0];
    for (let i = 0; i < probe.data.length; i++) expected[i % 4] += probe.data[i];
    expect(Array.from(probe.stream())).toEqual(expected);
    // A second call reads the array again from fresh accumulators.
    probe.data[5] += 1;
    expected[1] += 1;
    expect(Array.from(probe.stream())).toEqual(expected);
  });

  it("spans memory beyond the first page", () => {
    const probe = memoryStream(100_000);
    if (probe === null) throw new Error("no WebAssembly SIMD");
    probe.data.fill(1);
    probe.data[99_999] = 9;
    expect(Array.from(probe.stream())).toEqual([25_000, 25_000, 25_000, 25_008]);
  });
});
