import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { ValidationError } from "../../src/core/errors.js";
import type { CellLayerSpec } from "../../src/trained/unetExport.js";
import { validateUnetManifest } from "../../src/trained/unetExport.js";
import { loadUnet, trainedEngine } from "../../src/unet/index.js";
import type { TrainedCellLayer } from "../../src/unet/layerEngine.js";
import { maxAbsDiff } from "../support/assert.js";

/**
 * Issue 13's circuit-faithful integration, rk4-wclamp (RK4, w clamped to [w_min, 1] after every
 * step), against PyTorch in float64. The fixtures were made with
 *
 *   python -m training.faithful_study --fixture test/fixtures/faithful/rk4x128.json --fixture-steps 128
 *   python -m training.faithful_study --fixture test/fixtures/faithful/rk4x4.json --fixture-steps 4
 *
 * (a random M-CellNN layer in the switching regime, C_in 2 → C 3, 6×6: training/faithful_study.py;
 * at 4 steps the clamp is active, at 128 it is not needed).
 */
interface Fixture {
  layer: CellLayerSpec;
  A: number[];
  B: number[];
  z: number[];
  u: number[];
  x_T: number[];
  w_T: number[];
  w_range: [number, number];
}

const read = (name: string) =>
  JSON.parse(readFileSync(`test/fixtures/faithful/${name}`, "utf8")) as Fixture;
const fixture = read("rk4x128.json");
const clampedFixture = read("rk4x4.json");

function layerOf(f: Fixture, solver: CellLayerSpec["cell"]["solver"]): TrainedCellLayer {
  return {
    spec: { ...f.layer, cell: { ...f.layer.cell, solver } },
    A: Float64Array.from(f.A),
    B: Float64Array.from(f.B),
    z: Float64Array.from(f.z),
  };
}

const shape = { batch: 1, channels: 2, rows: 6, cols: 6 };

describe("rk4-wclamp (trainedIntegration)", () => {
  it("reproduces PyTorch's float64 x(T) and w(T) of rk4-wclamp × 128 and × 4 within 1e-9", () => {
    expect(fixture.layer.cell.solver).toMatchObject({ method: "rk4-wclamp", steps: 128 });
    expect(clampedFixture.layer.cell.solver).toMatchObject({ method: "rk4-wclamp", steps: 4 });
    // the case switches memristors both ways from w0 = 0.1; at 4 steps w hits the clamp
    expect(fixture.w_range[0]).toBeLessThan(0.06);
    expect(fixture.w_range[1]).toBeGreaterThan(0.15);
    expect(clampedFixture.w_range[0]).toBe(fixture.layer.cell.memristor!.kernels.w_min);
    for (const f of [fixture, clampedFixture])
      for (const path of ["fused", "reference"] as const) {
        const r = trainedEngine({ path }).run(
          layerOf(f, f.layer.cell.solver),
          Float64Array.from(f.u),
          shape,
          { keepStates: true },
        );
        const what = `${path}, ${f.layer.cell.solver.steps} steps`;
        expect(maxAbsDiff(r.x!, f.x_T), what).toBeLessThan(1e-9);
        expect(maxAbsDiff(r.w!, f.w_T), what).toBeLessThan(1e-9);
      }
  });

  it("clamps w where plain rk4 with few steps leaves [w_min, 1], and is rk4 where it does not", () => {
    const u = Float64Array.from(fixture.u);
    const run = (method: "rk4" | "rk4-wclamp", steps: number) =>
      trainedEngine({ path: "reference" }).run(layerOf(fixture, { method, steps }), u, shape, {
        keepStates: true,
      });
    const plain = run("rk4", 2).w!;
    const clamped = run("rk4-wclamp", 2).w!;
    const wMin = fixture.layer.cell.memristor!.kernels.w_min;
    expect(Math.min(...plain) < wMin || Math.max(...plain) > 1).toBe(true);
    expect(Math.min(...clamped)).toBeGreaterThanOrEqual(wMin);
    expect(Math.max(...clamped)).toBeLessThanOrEqual(1);
    // one step: exactly clamp(rk4 step)
    const one = run("rk4", 1).w!;
    const oneClamped = run("rk4-wclamp", 1).w!;
    expect(Array.from(oneClamped)).toEqual(
      Array.from(one).map((w) => Math.min(1, Math.max(wMin, w))),
    );
  });

  it("a manifest with rk4-wclamp × 128 validates and its layer runs; a wrong method names the field", () => {
    const dir = "test/fixtures/models/mcellnn-mnist";
    const manifest = JSON.parse(readFileSync(`${dir}/manifest.json`, "utf8"));
    for (const l of manifest.cell_layers)
      l.cell.solver = { method: "rk4-wclamp", steps: 128, dt: 1 / 128 };
    const checked = validateUnetManifest(manifest);
    expect(checked.cell_layers[6].cell.solver.method).toBe("rk4-wclamp");
    const unet = loadUnet(dir);
    const layer = unet.cellLayers[4]; // up1.block2, 7×7
    const u = unet.golden!.get(`layers.${layer.spec.name}.input`)!;
    const [batch, channels, rows, cols] = u.shape;
    const spec = {
      ...layer.spec,
      cell: { ...layer.spec.cell, solver: checked.cell_layers[4].cell.solver },
    };
    const r = trainedEngine().run(
      { ...layer, spec },
      u.data,
      { batch, channels, rows, cols },
      {
        keepStates: true,
      },
    );
    const wMin = spec.cell.memristor!.kernels.w_min;
    expect(r.y.every(Number.isFinite)).toBe(true);
    expect(Math.min(...r.w!)).toBeGreaterThanOrEqual(wMin);
    expect(Math.max(...r.w!)).toBeLessThanOrEqual(1);
    const bad = structuredClone(manifest);
    bad.cell_layers[2].cell.solver.method = "rk4-clamp";
    expect(() => validateUnetManifest(bad)).toThrow(ValidationError);
    expect(() => validateUnetManifest(bad)).toThrow(/cell_layers\[2\]\.cell\.solver\.method/);
  });
});
