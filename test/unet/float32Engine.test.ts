import { describe, expect, it } from "vitest";
import { ValidationError } from "../../src/core/errors.js";
import { seededRandom, uniformArray } from "../../src/core/random.js";
import { winogradLargestTile } from "../../src/kernels/winograd3x3F32.js";
import { loadUnet, trainedEngine, unetForward } from "../../src/unet/index.js";
import { maxAbsDiff } from "../support/assert.js";

/**
 * The trained engine's opt-in float32 precision (the correlation A ⋆ f(x) in float32: Winograd's
 * F(2×2, 3×3) on even fields with channels in fours, as every fixture layer is, f32x4 taps
 * elsewhere; state, memristor and solver in float64) against float64. Tolerances: measured (docs/unet.md) at most
 * 1.2e-6 relative on a layer's output (M-CellNN up1.block2, where memristors switch) and 3e-8
 * on the forward; asserted 1e-5 per layer and 1e-4 on the golden forward (issue 10's float32
 * criterion), with the digital 3×3 convolutions in float64 and in float32 (unetForward's
 * `precision`). The float32 result must differ from float64 (else the path was not taken).
 */

const maxAbs = (a: Float64Array) => a.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
const f64 = trainedEngine();
const f32 = trainedEngine({ precision: "float32" });

for (const dir of ["test/fixtures/models/cellnn-mnist", "test/fixtures/models/mcellnn-mnist"]) {
  describe(`float32 trained engine on ${dir}`, () => {
    const unet = loadUnet(dir);
    const g = (name: string) => unet.golden!.get(name)!;

    it("every layer within 1e-5 relative of float64, and not the same bits", () => {
      for (const layer of unet.cellLayers) {
        const u = g(`layers.${layer.spec.name}.input`);
        const [batch, channels, rows, cols] = u.shape;
        const shape = { batch, channels, rows, cols };
        const want = f64.run(layer, u.data, shape);
        const got = f32.run(layer, u.data, shape);
        const rel = maxAbsDiff(got.y, want.y) / maxAbs(want.y);
        expect(rel, layer.spec.name).toBeLessThan(1e-5);
        expect(rel, layer.spec.name).toBeGreaterThan(0);
      }
    });

    for (const digital of ["float64", "float32"] as const)
      it(`the golden forward within 1e-4 relative, digital convolutions in ${digital}`, () => {
        const c = Int32Array.from(g("forward.c").data);
        const eps = unetForward(
          unet,
          g("forward.x_t").data,
          c,
          g("forward.t").data,
          g("forward.drop").data,
          f32,
          { precision: digital },
        );
        const want = g("forward.output").data;
        const rel = maxAbsDiff(eps, want) / maxAbs(want);
        expect(rel).toBeLessThan(1e-4);
      });
  });
}

describe("the conv backbone's digital path in float32 (its 3×3 convolutions)", () => {
  // measured 2026-12-03: 1.3e-7 relative in float32 against 3.3e-8 in float64
  it("the golden forward within 1e-4 relative, and further from it than float64", () => {
    const unet = loadUnet("test/fixtures/models/conv-mnist");
    const g = (name: string) => unet.golden!.get(name)!;
    const run = (precision: "float64" | "float32") =>
      unetForward(
        unet,
        g("forward.x_t").data,
        Int32Array.from(g("forward.c").data),
        g("forward.t").data,
        g("forward.drop").data,
        f64,
        { precision },
      );
    const want = g("forward.output").data;
    const rel32 = maxAbsDiff(run("float32"), want) / maxAbs(want);
    const rel64 = maxAbsDiff(run("float64"), want) / maxAbs(want);
    expect(rel32).toBeLessThan(1e-4);
    expect(rel32).toBeGreaterThan(rel64);
  });
});

describe("float32 trained engine on random layers", () => {
  const base = loadUnet("test/fixtures/models/mcellnn-mnist").cellLayers[1].spec;
  const boundaries = ["fixed", "zero-flux", "periodic"] as const;

  /** float32 against float64 on a random layer (seeded) of C_out = channels, every boundary. */
  function relativeErrors(
    seed: number,
    channels: number,
    cIn: number,
    rows: number,
    cols: number,
  ): { what: string; rel: number }[] {
    const errors: { what: string; rel: number }[] = [];
    for (const boundary of boundaries)
      for (const batch of [1, 5]) {
        const rand = seededRandom(seed++);
        const scaleA = 1.5 / Math.sqrt(9 * channels);
        const layer = {
          spec: { ...base, c_in: cIn, c_out: channels, cell: { ...base.cell, boundary } },
          A: uniformArray(channels * channels * 9, -scaleA, scaleA, rand),
          B: uniformArray(channels * cIn * 9, -0.5, 0.5, rand),
          z: uniformArray(channels, -0.3, 0.3, rand),
        };
        const shape = { batch, channels: cIn, rows, cols };
        const u = uniformArray(batch * cIn * rows * cols, -1, 1, rand);
        const want = f64.run(layer, u, shape);
        const got = f32.run(layer, u, shape);
        errors.push({
          what: `${channels} ch ${rows}×${cols} ${boundary} batch ${batch}`,
          rel: maxAbsDiff(got.y, want.y) / maxAbs(want.y),
        });
      }
    return errors;
  }

  it("channels 1, 3, 16, 33, every boundary, batch 1 and 5: within 1e-5 relative of float64", () => {
    for (const [k, channels] of [1, 3, 16, 33].entries())
      for (const { what, rel } of relativeErrors(40 + 6 * k, channels, 2, 6, 7))
        expect(rel, what).toBeLessThan(1e-5);
  });

  // F(4×4, 3×3) (on these fields cropped from whole tiles) rounds about ten times F(2×2)'s:
  // measured 1.2e-6 to 1.5e-5 here (16 ch 14×14 periodic batch 5 the largest), F(2×2)
  // (CELLSPICE_WINOGRAD_TILE=2) 1.8e-7 to 1.6e-6.
  const winogradBound = winogradLargestTile() === 4 ? 5e-5 : 1e-5;
  it(`even fields with channels 4, 16, 32 (the Winograd path), every boundary, batch 1 and 5: within ${winogradBound}`, () => {
    for (const [k, [channels, rows, cols]] of [
      [4, 6, 8],
      [16, 14, 14],
      [32, 8, 6],
    ].entries())
      for (const { what, rel } of relativeErrors(90 + 6 * k, channels, 3, rows, cols)) {
        expect(rel, what).toBeLessThan(winogradBound);
        expect(rel, what).toBeGreaterThan(0);
      }
  });

  it("an unknown precision, or float32 on the reference path, is a ValidationError", () => {
    expect(() => trainedEngine({ precision: "float16" as "float32" })).toThrow(ValidationError);
    expect(() => trainedEngine({ precision: "float32", path: "reference" })).toThrow(/precision/);
    expect(f32.describe().precision).toMatch(/float32/);
  });
});
