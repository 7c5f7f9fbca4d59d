import { afterEach, describe, expect, it } from "vitest";
import { memristorDevicesPass, memristorPass } from "../../src/cells/memristorPass.js";
import { createCellSystem } from "../../src/cells/system.js";
import { seededRandom, uniformArray } from "../../src/core/random.js";
import { createMemristor } from "../../src/devices/registry.js";
import { useKernel } from "../../src/kernels/choice.js";
import {
  batchElementArray,
  type LayerResult,
  loadUnet,
  trainedEngine,
} from "../../src/unet/index.js";

/**
 * The smooth-v1 memristor by the kernels' WebAssembly pass (src/cells/memristorPass.ts) against the
 * TypeScript loop it stands for, in createCellSystem's right-hand side and over the trained
 * engine's solve of every M-CellNN fixture layer: the same values to MEMRISTOR_PASS_TOLERANCE of
 * each field's largest value, and not the same bits (else the pass did not run). The pass's e^x
 * alone: test/kernels/memristorSimd.test.ts.
 */

afterEach(() => useKernel(undefined));

const MEMRISTOR_PASS_TOLERANCE = 1e-13; // measured 4e-15 over the fixture layers' solves
const unet = loadUnet("test/fixtures/models/mcellnn-mnist");

function relativeDeviation(a: Float64Array, b: Float64Array): number {
  expect(a.length).toBe(b.length);
  let scale = 0;
  let deviation = 0;
  for (let m = 0; m < b.length; m++) {
    scale = Math.max(scale, Math.abs(b[m]));
    deviation = Math.max(deviation, Math.abs(a[m] - b[m]));
  }
  // An all-zero field (the rates at u = 0) must be matched exactly.
  return scale === 0 ? deviation : deviation / scale;
}

describe("the smooth-v1 memristor pass against the TypeScript loop", () => {
  it("createCellSystem's right-hand side, at the initial and at random states", () => {
    const layer = unet.cellLayers[1];
    const u = unet.golden!.get(`layers.${layer.spec.name}.input`)!;
    const [batch, channels, rows, cols] = u.shape;
    const array = batchElementArray(layer, u.data, { batch, channels, rows, cols }, 0);
    const rand = seededRandom(5);
    const n = array.channels * rows * cols;
    const states = [createCellSystem(array).initialState()];
    for (let r = 0; r < 3; r++) {
      const s = uniformArray(2 * n, -2, 2, rand);
      for (let k = n; k < 2 * n; k++) s[k] = rand();
      states.push(s);
    }
    let differs = false;
    for (const state of states) {
      const rhs = (kernel: "wasm" | "scalar") => {
        useKernel(kernel);
        const out = new Float64Array(2 * n);
        createCellSystem(array).rhs(0, state, out);
        return out;
      };
      const [pass, loop] = [rhs("wasm"), rhs("scalar")];
      expect(relativeDeviation(pass.subarray(0, n), loop.subarray(0, n))).toBeLessThan(1e-14);
      expect(relativeDeviation(pass.subarray(n), loop.subarray(n))).toBeLessThan(1e-14);
      differs ||= pass.some((v, k) => v !== loop[k]);
    }
    expect(differs).toBe(true);
  });

  it(`every M-CellNN fixture layer's trained solve: within ${MEMRISTOR_PASS_TOLERANCE}`, () => {
    const engine = trainedEngine({ path: "reference" });
    let largest = 0;
    for (const layer of unet.cellLayers) {
      const u = unet.golden!.get(`layers.${layer.spec.name}.input`)!;
      const [batch, channels, rows, cols] = u.shape;
      const run = (kernel: "wasm" | "scalar"): LayerResult => {
        useKernel(kernel);
        return engine.run(layer, u.data, { batch, channels, rows, cols }, { keepStates: true });
      };
      const [pass, loop] = [run("wasm"), run("scalar")];
      for (const field of ["y", "x", "w"] as const) {
        const d = relativeDeviation(pass[field]!, loop[field]!);
        expect(d, `${layer.spec.name} ${field}`).toBeLessThanOrEqual(MEMRISTOR_PASS_TOLERANCE);
        largest = Math.max(largest, d);
      }
    }
    expect(largest).toBeGreaterThan(0);
  });

  it("per device: one model repeated gives the one-model pass's bits; varied devices match the model", () => {
    useKernel("wasm");
    const rand = seededRandom(9);
    const settings = { tau: 1e-6, Vs: 0.5, R: 1e6, alpha: 0.01, beta: 0.99 };
    const nominal = createMemristor("strachan-taox-smooth-v1");
    const p = nominal.params as unknown as Record<string, number>;
    // 1, 2, 3, 4, 5 and 13 cells: the four-cell loop, the pair and the odd last cell.
    for (const n of [1, 2, 3, 4, 5, 13])
      for (const senseY of [false, true]) {
        const state = uniformArray(2 * n, -2, 2, rand);
        for (let k = n; k < 2 * n; k++) state[k] = rand();
        const apply = (pass: ReturnType<typeof memristorPass>) => {
          expect(pass).not.toBeNull();
          const out = uniformArray(2 * n, -1, 1, seededRandom(n));
          pass!.apply(state, out);
          return out;
        };
        const s = { ...settings, cells: n, senseY };
        const one = apply(memristorPass(nominal, s));
        const repeated = apply(memristorDevicesPass(new Array(n).fill(nominal), s));
        expect(Array.from(repeated)).toEqual(Array.from(one));
        // Each device its own G_m, a and b (±20 %): each cell as the one-model pass of its device.
        const models = Array.from({ length: n }, () =>
          createMemristor("strachan-taox-smooth-v1", {
            G_m: p.G_m * (0.8 + 0.4 * rand()),
            a: p.a * (0.8 + 0.4 * rand()),
            b: p.b * (0.8 + 0.4 * rand()),
          }),
        );
        const varied = apply(memristorDevicesPass(models, s));
        models.forEach((model, k) => {
          const alone = apply(memristorPass(model, s));
          expect(varied[k], `n ${n}, cell ${k}, current`).toBe(alone[k]);
          expect(varied[n + k], `n ${n}, cell ${k}, rate`).toBe(alone[n + k]);
        });
        expect(varied.some((v, k) => v !== one[k])).toBe(true);
      }
    expect(
      memristorDevicesPass([createMemristor("strachan-taox-smooth")], {
        ...settings,
        cells: 1,
        senseY: false,
      }),
    ).toBeNull();
    expect(() => memristorDevicesPass([nominal], { ...settings, cells: 2, senseY: false })).toThrow(
      /1 models for 2 cells/,
    );
  });

  it("applies to strachan-taox-smooth-v1 on the WebAssembly kernel only", () => {
    const settings = { cells: 4, tau: 1, Vs: 1, R: 1, alpha: 0.01, beta: 0.99, senseY: false };
    useKernel("wasm");
    expect(memristorPass(createMemristor("strachan-taox-smooth-v1"), settings)).not.toBeNull();
    expect(memristorPass(createMemristor("strachan-taox-smooth"), settings)).toBeNull();
    useKernel("scalar");
    expect(memristorPass(createMemristor("strachan-taox-smooth-v1"), settings)).toBeNull();
  });
});
