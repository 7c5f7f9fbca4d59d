import { describe, expect, it } from "vitest";
import { SolverError } from "../../src/core/errors.js";
import { cellEngine, loadUnet, trainedEngine } from "../../src/unet/index.js";
import { maxAbsDiff } from "../support/assert.js";

const CELLULAR = ["test/fixtures/models/cellnn-mnist", "test/fixtures/models/mcellnn-mnist"];

/** The top-left side×side window of every channel of a golden layer input (batch 1). */
function crop(u: { shape: number[]; data: Float64Array }, side: number) {
  const [, channels, rows, cols] = u.shape;
  const out = new Float64Array(channels * side * side);
  for (let c = 0; c < channels; c++)
    for (let i = 0; i < side; i++)
      for (let j = 0; j < side; j++)
        out[(c * side + i) * side + j] = u.data[(c * rows + i) * cols + j];
  return { data: out, shape: { batch: 1, channels, rows: side, cols: side } };
}

function goldenOf(unet: ReturnType<typeof loadUnet>, name: string): Float64Array {
  const t = unet.golden?.get(name);
  if (!t) throw new Error(`golden data lack ${name}`);
  return t.data;
}

for (const dir of CELLULAR) {
  describe(`layer engines on ${dir}`, () => {
    const unet = loadUnet(dir);

    it("trainedEngine reproduces every layer's golden output, x(T) and w(T)", () => {
      const engine = trainedEngine();
      for (const layer of unet.cellLayers) {
        const { name } = layer.spec;
        const u = unet.golden!.get(`layers.${name}.input`)!;
        const [batch, channels, rows, cols] = u.shape;
        const r = engine.run(layer, u.data, { batch, channels, rows, cols }, { keepStates: true });
        // Golden values are float32 roundings of PyTorch's float64 (relative 6e-8 of |y| ≤ ~2).
        expect(maxAbsDiff(r.y, goldenOf(unet, `layers.${name}.output`)), name).toBeLessThan(2e-6);
        if (unet.backbone === "mcellnn") {
          // w passes through exponentials with arguments ~1e2 where a memristor switches: float32
          // rounding of the golden input (6e-8 relative) becomes ~1e-5 in w (test/trained), and
          // through the memristor current a few 1e-6 in x where x is outside [−1, 1] (f damps it
          // by α there, so y stays within 2e-6).
          expect(maxAbsDiff(r.x!, goldenOf(unet, `layers.${name}.x_T`)), name).toBeLessThan(1e-5);
          expect(maxAbsDiff(r.w!, goldenOf(unet, `layers.${name}.w_T`)), name).toBeLessThan(3e-5);
        } else {
          expect(maxAbsDiff(r.x!, goldenOf(unet, `layers.${name}.x_T`)), name).toBeLessThan(2e-6);
          expect(r.w).toBeUndefined();
        }
      }
    });

    it("a batch of 3 equals three batch-1 runs, element by element, for both engines", () => {
      // up1.block1 on an 8×8 window of its golden input (the adaptive solves stay short).
      const layer = unet.cellLayers[3];
      const window = crop(unet.golden!.get(`layers.${layer.spec.name}.input`)!, 8);
      const { channels, rows, cols } = window.shape;
      const per = window.data.length;
      const u = { data: window.data };
      const batch = new Float64Array(3 * per);
      for (let k = 0; k < 3; k++)
        for (let p = 0; p < per; p++) batch[k * per + p] = u.data[p] * (1 - 0.4 * k) + 0.1 * k;
      for (const engine of [trainedEngine(), cellEngine({ rtol: 1e-5, atol: 1e-7 })]) {
        const all = engine.run(
          layer,
          batch,
          { batch: 3, channels, rows, cols },
          { keepStates: true },
        );
        const n = all.y.length / 3;
        for (let k = 0; k < 3; k++) {
          const one = engine.run(
            layer,
            batch.subarray(k * per, (k + 1) * per),
            { batch: 1, channels, rows, cols },
            { keepStates: true },
          );
          expect(Array.from(all.y.subarray(k * n, (k + 1) * n))).toEqual(Array.from(one.y));
          expect(Array.from(all.x!.subarray(k * n, (k + 1) * n))).toEqual(Array.from(one.x!));
        }
        // The elements differ (the test would pass trivially otherwise).
        expect(maxAbsDiff(all.y.subarray(0, n), all.y.subarray(n, 2 * n))).toBeGreaterThan(1e-2);
      }
    });

    it("cellEngine solves the continuous cell: tightening the tolerance moves it less than the tolerance, and it is not the trained discretisation", () => {
      const layer = unet.cellLayers[3];
      const { data, shape } = crop(unet.golden!.get(`layers.${layer.spec.name}.input`)!, 8);
      const u = { data };
      const loose = cellEngine({ rtol: 1e-6, atol: 1e-8 }).run(layer, u.data, shape);
      const tight = cellEngine({ rtol: 1e-8, atol: 1e-10 }).run(layer, u.data, shape);
      // rtol 1e-6 bounds the local error per step; the global error over [0, T] was measured
      // 1.8e-5 (CellNN up1.block1, whole): allow 1e-4, far below the trained-vs-cell gap next.
      expect(maxAbsDiff(loose.y, tight.y)).toBeLessThan(1e-4);
      const trained = trainedEngine().run(layer, u.data, shape);
      // docs/mapping.md: RK4 × 2 is a few 1e-3 away from the continuous cell on these layers.
      expect(maxAbsDiff(trained.y, tight.y)).toBeGreaterThan(1e-4);
      expect(cellEngine().describe()).toMatchObject({ engine: "cell", rtol: 1e-6, atol: 1e-8 });
    });

    it("checkInterrupt stops a solve between steps", () => {
      const layer = unet.cellLayers[0];
      const u = unet.golden!.get("layers.init_conv.input")!;
      const [batch, channels, rows, cols] = u.shape;
      let calls = 0;
      const stop = new Error("stop");
      for (const engine of [trainedEngine(), cellEngine()]) {
        calls = 0;
        expect(() =>
          engine.run(
            layer,
            u.data,
            { batch, channels, rows, cols },
            {
              checkInterrupt: () => {
                if (++calls === 3) throw stop;
              },
            },
          ),
        ).toThrow(stop);
        expect(calls).toBe(3);
      }
    });

    it("checks every batch element's input, the first and the later ones alike", () => {
      // Later elements reuse the first element's validated array (withInput): their inputs
      // must still be refused with the error a lone element gets.
      const layer = unet.cellLayers[1];
      const golden = unet.golden!.get(`layers.${layer.spec.name}.input`)!;
      const [, channels, rows, cols] = golden.shape;
      const per = channels * rows * cols;
      const batch = 3;
      // Three elements: the golden input, scaled by 1, 0.5 and −0.8.
      const u = { data: new Float64Array(batch * per) };
      [1, 0.5, -0.8].forEach((s, k) => {
        for (let m = 0; m < per; m++) u.data[k * per + m] = s * golden.data[m];
      });
      const engine = trainedEngine();
      for (const [bad, field] of [
        [Number.NaN, /input\[5\]: got NaN/],
        [1e300, /input\[0\]\[0\]\[5\]: got 1e\+300/],
      ] as const)
        for (const element of [0, batch - 1]) {
          const data = u.data.slice();
          data[element * per + 5] = bad;
          expect(
            () => engine.run(layer, data, { batch, channels, rows, cols }),
            `${bad} in ${element}`,
          ).toThrow(field);
        }
      // The later elements' results are those of each element run alone.
      const all = engine.run(layer, u.data, { batch, channels, rows, cols });
      const last = engine.run(layer, u.data.subarray((batch - 1) * per), {
        batch: 1,
        channels,
        rows,
        cols,
      });
      const n = last.y.length;
      expect(Array.from(all.y.subarray((batch - 1) * n))).toEqual(Array.from(last.y));
    });
  });
}

describe("cellEngine options", () => {
  it("refuses bad tolerances and methods, naming the option", () => {
    expect(() => cellEngine({ rtol: 0 })).toThrow(/^rtol:/);
    expect(() => cellEngine({ atol: -1 })).toThrow(/^atol:/);
    expect(() => cellEngine({ method: "rk4" as never })).toThrow(/^method:/);
    expect(SolverError).toBeDefined();
  });
});
