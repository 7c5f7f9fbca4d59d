import { afterEach, describe, expect, it } from "vitest";
import { seededRandom, uniformArray } from "../../src/core/random.js";
import { useKernel } from "../../src/kernels/choice.js";
import type { CellLayerSpec } from "../../src/trained/unetExport.js";
import {
  type BatchShape,
  cellEngine,
  loadUnet,
  type TrainedCellLayer,
} from "../../src/unet/index.js";
import { expectSameBits, goldenLayerInputs, randomLayer } from "./layerSupport.js";

/**
 * The cell engine's fused DOPRI5 (src/unet/engines/fusedAdaptive.ts: the solver's vectors in the
 * kernels' memory) against its reference path (createCellSystem + solve, every element): in
 * float64 no tolerance, the same bits, on both fixtures' layers and on random layers (channels
 * 1, 3, 16, 33, every boundary, batch 1 and 3, with and without memristors sensing x or y); the
 * interrupt check as often; float32 within 10·rtol of float64; and the scalar kernel
 * (where the fused path does not apply) still the reference.
 */

afterEach(() => useKernel(undefined));

const FIXTURES = ["test/fixtures/models/cellnn-mnist", "test/fixtures/models/mcellnn-mnist"];
const TOL = { rtol: 1e-5, atol: 1e-7 };
const fused = cellEngine({ ...TOL, path: "fused" });
const reference = cellEngine({ ...TOL, path: "reference" });

function runBoth(layer: TrainedCellLayer, u: Float64Array, shape: BatchShape, what: string) {
  useKernel("wasm");
  const want = reference.run(layer, u, shape, { keepStates: true });
  expectSameBits(fused.run(layer, u, shape, { keepStates: true }), want, what);
  return want;
}

describe("cell engine, fused DOPRI5: the reference's bits in float64", () => {
  for (const dir of FIXTURES)
    it(`every layer of ${dir} on its golden input`, () => {
      const { unet, layers } = goldenLayerInputs(dir);
      for (const { layer, u, shape } of layers) {
        const want = runBoth(layer, u, shape, layer.spec.name);
        expect(want.w !== undefined).toBe(unet.backbone === "mcellnn");
      }
    });

  const cellnnSpec = loadUnet(FIXTURES[0]).cellLayers[1].spec;
  const mcellnnSpec = loadUnet(FIXTURES[1]).cellLayers[1].spec;

  let seed = 1;
  for (const channels of [1, 3, 16, 33])
    for (const memristive of [false, true])
      it(`random layers, ${channels} channels, ${memristive ? "M-CellNN" : "CellNN"}`, () => {
        for (const boundary of ["fixed", "zero-flux", "periodic"] as const)
          for (const batch of [1, 3]) {
            const base = memristive ? mcellnnSpec : cellnnSpec;
            const memristor =
              memristive && base.cell.memristor
                ? { ...base.cell.memristor, sense: boundary === "periodic" ? "y" : "x" }
                : base.cell.memristor;
            const cIn = 1 + (seed % 3);
            const layer = randomLayer(
              seed++,
              base,
              channels,
              cIn,
              {
                boundary,
                T: 2,
                memristor: memristor as CellLayerSpec["cell"]["memristor"],
              },
              { aGain: 2, bRange: 0.8 },
            );
            const shape = { batch, channels: cIn, rows: 7, cols: 6 };
            const u = uniformArray(batch * cIn * 42, -1, 1, seededRandom(seed));
            const want = runBoth(layer, u, shape, `${channels}ch ${boundary} batch ${batch}`);
            expect(want.x!.some((v) => Math.abs(v) > 1e-2)).toBe(true);
          }
      });

  it("calls checkInterrupt as often as the reference", () => {
    useKernel("wasm");
    const layer = loadUnet(FIXTURES[1]).cellLayers[0];
    const u = uniformArray(2 * 36, -1, 1, seededRandom(5));
    const shape = { batch: 2, channels: 1, rows: 6, cols: 6 };
    const count = (engine: typeof fused) => {
      let calls = 0;
      engine.run(layer, u, shape, { checkInterrupt: () => void calls++ });
      return calls;
    };
    const want = count(reference);
    expect(want).toBeGreaterThan(2 + 2 * 6); // every element, at least two DOPRI5 steps each
    expect(count(fused)).toBe(want);
  });

  // float32 against float64 is a difference of two adaptive solves at the tolerance: the rounding
  // changes the accepted steps. Measured on this layer at rtol 1e-5: 5.9e-5 of the largest |x|
  // (the reference path in float32, its direct f32x4 taps: 7.2e-5).
  it("float32 stays within 10·rtol of float64 (relative to the layer's largest |x|); the scalar kernel is the reference", () => {
    const unet = loadUnet(FIXTURES[0]);
    const layer = unet.cellLayers[1];
    const u = unet.golden!.get(`layers.${layer.spec.name}.input`)!;
    const [batch, channels, rows, cols] = u.shape;
    const shape = { batch, channels, rows, cols };
    useKernel("wasm");
    const want = reference.run(layer, u.data, shape, { keepStates: true });
    const f32 = cellEngine({ ...TOL, precision: "float32" }).run(layer, u.data, shape, {
      keepStates: true,
    });
    const scale = Math.max(...want.x!.map(Math.abs));
    let worst = 0;
    for (let m = 0; m < want.x!.length; m++)
      worst = Math.max(worst, Math.abs(f32.x![m] - want.x![m]));
    expect(worst / scale).toBeLessThan(10 * TOL.rtol);
    expect(worst).toBeGreaterThan(0); // it is float32: not the float64 bits
    useKernel("scalar");
    expectSameBits(fused.run(layer, u.data, shape, { keepStates: true }), want, "scalar kernel");
  });
});
