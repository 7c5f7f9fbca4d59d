import { describe, expect, it } from "vitest";
import { createMemristor } from "../../src/devices/registry.js";

describe("currentAndRate(w, v, out)", () => {
  it("strachan-taox-smooth-v1: equals current(w, v) and stateRate(w, v) bit for bit", () => {
    const m = createMemristor("strachan-taox-smooth-v1", { tau: 1e-4 });
    expect(m.currentAndRate).toBeDefined();
    const out = new Float64Array(2);
    let checked = 0;
    for (const w of [-0.5, 0, 1e-4, 0.05, 0.1, 0.37, 0.9, 1, 1.2])
      for (const v of [-1.5, -0.6, -0.1, -1e-9, 0, 1e-9, 0.05, 0.45, 0.7, 1.5]) {
        m.currentAndRate?.(w, v, out);
        expect(out[0]).toBe(m.current(w, v));
        expect(out[1]).toBe(m.stateRate(w, v));
        checked++;
      }
    expect(checked).toBe(90);
  });
});
