import { afterEach, describe, expect, it } from "vitest";
import { SolverError, ValidationError } from "../../src/core/errors.js";
import { seededRandom, uniformArray } from "../../src/core/random.js";
import { useKernel } from "../../src/kernels/choice.js";
import type { CellLayerSpec } from "../../src/trained/unetExport.js";
import {
  type BatchShape,
  type LayerResult,
  loadUnet,
  type TrainedCellLayer,
  trainedEngine,
} from "../../src/unet/index.js";
import { expectSameBits, goldenLayerInputs, randomLayer } from "./layerSupport.js";

/**
 * The trained engine's fused fixed-step path against its reference (createCellSystem + solve):
 * no tolerance, every value the same bits (raw 64-bit patterns), on both fixtures' layers and on
 * random layers (channels 1, 3, 16, 33, every boundary a trained layer can have, batch 1 and 5,
 * euler and rk4, with and without memristors sensing x or y), on the WebAssembly and the scalar
 * kernels — the reference on the same kernel: with WebAssembly both take the smooth-v1 memristor's
 * pass, with the scalar kernel both its TypeScript loop (test/cells/memristorPass.test.ts compares
 * the two).
 */

afterEach(() => useKernel(undefined));

const FIXTURES = ["test/fixtures/models/cellnn-mnist", "test/fixtures/models/mcellnn-mnist"];
const fused = trainedEngine({ path: "fused" });
const reference = trainedEngine({ path: "reference" });

function runBoth(layer: TrainedCellLayer, u: Float64Array, shape: BatchShape, what: string) {
  // Per kernel: with WebAssembly both paths take the memristor pass (src/kernels/memristorSimd.ts),
  // with the scalar kernel both take the TypeScript loop.
  let want: LayerResult | undefined;
  for (const kernel of ["wasm", "scalar"] as const) {
    useKernel(kernel);
    want = reference.run(layer, u, shape, { keepStates: true });
    expectSameBits(fused.run(layer, u, shape, { keepStates: true }), want, `${what} ${kernel}`);
  }
  useKernel(undefined);
  return want!;
}

describe("fused fixed-step path: same bits as createCellSystem + solve", () => {
  for (const dir of FIXTURES) {
    it(`every layer of ${dir} on its golden input`, () => {
      const { unet, layers } = goldenLayerInputs(dir);
      for (const { layer, u, shape } of layers) {
        const want = runBoth(layer, u, shape, layer.spec.name);
        expect(want.w !== undefined).toBe(unet.backbone === "mcellnn");
      }
    });
  }

  const cellnnSpec = loadUnet(FIXTURES[0]).cellLayers[1].spec;
  const mcellnnSpec = loadUnet(FIXTURES[1]).cellLayers[1].spec;

  const boundaries = ["fixed", "zero-flux", "periodic"] as const;
  let seed = 1;
  for (const channels of [1, 3, 16, 33])
    for (const memristive of [false, true])
      it(`random layers, ${channels} channels, ${memristive ? "M-CellNN" : "CellNN"}`, () => {
        for (const boundary of boundaries)
          for (const batch of [1, 5]) {
            const method = batch === 1 ? "rk4" : "euler";
            const base = memristive ? mcellnnSpec : cellnnSpec;
            const memristor =
              memristive && base.cell.memristor
                ? { ...base.cell.memristor, sense: boundary === "periodic" ? "y" : "x" }
                : base.cell.memristor;
            const cIn = 1 + (seed % 3);
            const layer = randomLayer(seed++, base, channels, cIn, {
              boundary,
              solver: { method, steps: 3 },
              memristor: memristor as CellLayerSpec["cell"]["memristor"],
            });
            const shape = { batch, channels: cIn, rows: 6, cols: 5 };
            const u = uniformArray(batch * cIn * 30, -1, 1, seededRandom(seed));
            const want = runBoth(layer, u, shape, `${channels}ch ${boundary} batch ${batch}`);
            // The states moved (a test of two untouched zero arrays would pass trivially).
            expect(want.x!.some((v) => Math.abs(v) > 1e-3)).toBe(true);
          }
      });

  it("calls checkInterrupt as often as the reference (before every element and right-hand side)", () => {
    const layer = loadUnet(FIXTURES[1]).cellLayers[0];
    const u = uniformArray(2 * 36, -1, 1, seededRandom(5));
    const shape = { batch: 2, channels: 1, rows: 6, cols: 6 };
    const count = (engine: typeof fused) => {
      let calls = 0;
      engine.run(layer, u, shape, { checkInterrupt: () => void calls++ });
      return calls;
    };
    // 2 elements × (1 + 2 steps × 4 RK4 stages).
    expect(count(reference)).toBe(18);
    expect(count(fused)).toBe(18);
  });

  it("a diverging layer fails with the reference's SolverError", () => {
    // |A| at the array limit (1e6): the state grows ~10³ per step until it overflows.
    const layer = randomLayer(99, cellnnSpec, 3, 1, {
      solver: { method: "euler", steps: 200 },
    });
    layer.A.fill(1e6);
    layer.B.fill(1e6);
    const u = new Float64Array(16).fill(1);
    const shape = { batch: 1, channels: 1, rows: 4, cols: 4 };
    const failure = (engine: typeof fused) => {
      try {
        engine.run(layer, u, shape);
      } catch (e) {
        return e;
      }
      throw new Error("did not fail");
    };
    const want = failure(reference);
    const got = failure(fused);
    expect(want).toBeInstanceOf(SolverError);
    expect(got).toBeInstanceOf(SolverError);
    expect((got as Error).message).toBe((want as Error).message);
  });

  it("an unknown solver method or path is a ValidationError naming the field", () => {
    const layer = randomLayer(7, cellnnSpec, 2, 1, {
      solver: { method: "heun" as "rk4", steps: 2 },
    });
    const run = () =>
      fused.run(layer, new Float64Array(4), { batch: 1, channels: 1, rows: 2, cols: 2 });
    expect(run).toThrow(ValidationError);
    expect(run).toThrow(/cell\.solver\.method/);
    expect(() => trainedEngine({ path: "fast" as "fused" })).toThrow(/path/);
    expect(fused.describe()).toMatchObject({ engine: "trained", path: "fused" });
  });
});
