import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { seededRandom } from "../../src/core/random.js";
import { compileModule, wasmModule } from "../../src/core/wasmBinary.js";
import { smoothV1Constants } from "../../src/devices/smoothV1Eval.js";
import { createStrachanSmoothV1 } from "../../src/devices/strachanSmoothV1.js";
import type { SmoothV1Params } from "../../src/devices/strachanSmoothV1Params.js";
import {
  expArrayFunction,
  SMOOTH_V1_SIMD_SLOTS,
  smoothV1SimdConstants,
} from "../../src/kernels/memristorSimd.js";
import { newTaps3x3F32, newTaps3x3Simd, type Taps3x3Simd } from "../../src/kernels/taps3x3Simd.js";
import { mixedRegions } from "../../src/kernels/workspace.js";

/**
 * The smooth-v1 memristor pass in WebAssembly (src/kernels/memristorSimd.ts) against the model's
 * TypeScript evaluation (model.currentAndRate, which the fused path's TypeScript loop calls) with
 * the same scaling: u = V_s·(y or v), current = (R/V_s)·i, rate = τ_array·(τ·dw/dt / τ_model).
 * The pass has its own e^x and tanh, so it is compared within ULP_TOLERANCE relative: of the
 * current, and of the rate's error scale (rateErrorScale; plus TINY absolute for terms that the
 * TypeScript's e^x underflows to 0 and the pass's clamp leaves at ~1e-308), on both modules, odd
 * and even lengths (vector pairs and the scalar last cell), sensing x and y, with the default
 * parameters and the M-CellNN fixture's. Its e^x alone is measured against Math.exp in ulp.
 */

const ULP_TOLERANCE = 1e-15; // about 4.5 ulp
const TINY = 1e-300;

const MODULES: ReadonlyArray<[string, () => Taps3x3Simd | null]> = [
  ["float64 module", newTaps3x3Simd],
  ["float32 module", newTaps3x3F32],
];

const fixtureLayer = JSON.parse(
  readFileSync("test/fixtures/models/mcellnn-mnist/manifest.json", "utf8"),
).cell_layers[0].cell.memristor;
const PARAMETER_SETS: ReadonlyArray<[string, Record<string, number>, number]> = [
  ["default parameters", {}, 1],
  [
    "the M-CellNN fixture's parameters",
    { ...fixtureLayer.params, ...fixtureLayer.kernels, tau: fixtureLayer.scales.tau },
    fixtureLayer.scales.V_s,
  ],
];

/** States v in ±4 (with 0, ±1 and tiny values), memristor states around and beyond [w_min, 1]. */
function states(rand: () => number, n: number): Float64Array {
  const special = [0, -0, 1, -1, 1e-9, -1e-9, 4, -4];
  const s = new Float64Array(2 * n);
  for (let c = 0; c < n; c++) {
    s[c] = rand() < 0.1 ? special[Math.floor(rand() * special.length)] : 8 * (rand() - 0.5);
    s[n + c] = rand() < 0.1 ? [0, 1, -0.2, 1.3][Math.floor(rand() * 4)] : rand();
  }
  return s;
}

/**
 * What a rounding error in the rate is relative to (per second): Σ over both branches of
 * ½(F(L + s) + F(L − s)) (smoothV1Eval's rateAt: the terms' magnitudes, not their difference),
 * each times 1 + the sum of |its exponent's parts|. Near v = 0 the rate is a difference of two
 * nearly equal terms, so any evaluation's error there is a fraction of the terms, not of the
 * rate; and an exponent summed from parts of size M (p/σ_p reaches hundreds) is only good to
 * M·ulp, which e^E turns into a relative error M·ulp. Both hold for the model and the pass alike.
 */
function rateErrorScale(
  K: ReturnType<typeof smoothV1Constants>,
  modelTau: number,
  w: number,
  u: number,
): number {
  const wc = w < K.wMin ? K.wMin : w > 1 ? 1 : w;
  const G =
    K.G_m * wc + K.a * (1 - wc) * Math.exp(K.b * Math.sqrt(u * Math.tanh(K.halfRho * u) + K.eps));
  const p = Math.min(G * u * u, 1e300);
  const kv = K.k * u;
  const q = 1 + Math.exp(-Math.abs(kv));
  const off = [
    K.logOff,
    Math.min((K.xOff / wc) ** 2, 1e300),
    1 / (1 + K.beta * p),
    Math.max(kv, 0),
    u * K.invSigmaOff,
  ];
  const on = [
    K.logOn,
    Math.min((wc * K.invXOn) ** 2, 1e300),
    Math.min(p * K.invSigmaP, 1e300),
    Math.min(kv, 0),
    u * K.invSigmaOn,
  ];
  const F = (e: number) => 1 / (Math.exp(-e) * q + K.invC);
  const branch = ([l0, l1, l2, l3, s]: number[], sign: number) => {
    const l = l0 - l1 + l2 + sign * l3;
    const size = Math.abs(l0) + l1 + Math.abs(l2) + Math.abs(l3) + Math.abs(s);
    return 0.5 * (F(l + s) + F(l - s)) * (1 + size);
  };
  return (branch(off, -1) + branch(on, 1)) / modelTau;
}

describe("smooth-v1 memristor pass in WebAssembly: the model's values within a few ulp", () => {
  for (const [name, create] of MODULES) {
    const instance = create();
    for (const [what, overrides, Vs] of PARAMETER_SETS)
      it.skipIf(instance === null)(`${what} (${name})`, () => {
        const model = createStrachanSmoothV1(overrides);
        const K = smoothV1Constants(model.params as unknown as SmoothV1Params);
        const rand = seededRandom(7);
        const pair = new Float64Array(2);
        let compared = 0;
        let differing = 0;
        for (const n of [1, 2, 7, 64, 1001])
          for (const senseY of [false, true]) {
            const [state, out, current, constants] = mixedRegions(instance!.memory, [
              { length: 2 * n },
              { length: 2 * n },
              { length: n },
              { length: SMOOTH_V1_SIMD_SLOTS },
            ]);
            state.set(states(rand, n));
            out.fill(Number.NaN);
            const settings = {
              modelTau: model.params.tau,
              arrayTau: 1e-4,
              Vs,
              currentScale: 100 / Vs,
              alpha: 0.01,
              beta: 0.99,
              senseY,
            };
            smoothV1SimdConstants(K, settings, constants);
            instance!.step.smoothV1(
              state.byteOffset,
              out.byteOffset,
              current.byteOffset,
              n,
              constants.byteOffset,
            );
            for (let c = 0; c < n; c++) {
              const v = state[c];
              const y = 0.01 * v + 0.99 * (v > 1 ? 1 : v < -1 ? -1 : v);
              model.currentAndRate!(state[n + c], Vs * (senseY ? y : v), pair);
              const wantCurrent = settings.currentScale * pair[0];
              const wantRate = settings.arrayTau * pair[1];
              const at = `${what} n ${n} cell ${c} v ${v} w ${state[n + c]}`;
              expect(
                Math.abs(current[c] - wantCurrent),
                `${at} current ${current[c]} vs ${wantCurrent}`,
              ).toBeLessThanOrEqual(ULP_TOLERANCE * Math.abs(wantCurrent));
              expect(
                Math.abs(out[n + c] - wantRate),
                `${at} rate ${out[n + c]} vs ${wantRate}`,
              ).toBeLessThanOrEqual(
                ULP_TOLERANCE *
                  settings.arrayTau *
                  rateErrorScale(K, model.params.tau, state[n + c], Vs * (senseY ? y : v)) +
                  TINY,
              );
              compared++;
              if (current[c] !== wantCurrent || out[n + c] !== wantRate) differing++;
            }
            // The pass writes only its n cells of current and the rates, not the state part.
            expect(Number.isNaN(out[0]) && Number.isNaN(out[n - 1])).toBe(true);
          }
        expect(compared).toBe(2 * (1 + 2 + 7 + 64 + 1001));
        // Its own e^x: some values differ in the last bits (else this would test the model twice).
        expect(differing).toBeGreaterThan(0);
      });
  }

  it.skipIf(newTaps3x3Simd() === null)(
    "NaN where the model gives NaN (the solver's finiteness check sees it)",
    () => {
      const instance = newTaps3x3Simd()!;
      const model = createStrachanSmoothV1();
      const [state, out, current, constants] = mixedRegions(instance.memory, [
        { length: 6 },
        { length: 6 },
        { length: 3 },
        { length: SMOOTH_V1_SIMD_SLOTS },
      ]);
      state.set([Number.NaN, 0.3, 0.2, 0.5, Number.NaN, 0.5]);
      smoothV1SimdConstants(
        smoothV1Constants(model.params as unknown as SmoothV1Params),
        {
          modelTau: model.params.tau,
          arrayTau: 1,
          Vs: 1,
          currentScale: 1,
          alpha: 0.01,
          beta: 0.99,
          senseY: false,
        },
        constants,
      );
      instance.step.smoothV1(
        state.byteOffset,
        out.byteOffset,
        current.byteOffset,
        3,
        constants.byteOffset,
      );
      // As the model: v = NaN makes both NaN; w = NaN the current only (its rate's terms clamp a
      // NaN at 1e300, as the TypeScript does); finite inputs give finite values.
      const pair = new Float64Array(2);
      for (let c = 0; c < 3; c++) {
        model.currentAndRate!(state[3 + c], state[c], pair);
        expect(Number.isNaN(current[c]), `cell ${c} current`).toBe(Number.isNaN(pair[0]));
        expect(Number.isNaN(out[3 + c]), `cell ${c} rate`).toBe(Number.isNaN(pair[1]));
      }
      expect(Number.isNaN(current[0]) && Number.isNaN(out[3]) && Number.isNaN(current[1])).toBe(
        true,
      );
      expect(Number.isFinite(current[2]) && Number.isFinite(out[5])).toBe(true);
    },
  );

  const expModule = compileModule(wasmModule([expArrayFunction()], 2));
  it.skipIf(expModule === null)(
    "its e^x: within 2 ulp of Math.exp on [−708, 709], clamped beyond, NaN kept",
    () => {
      const exports = new WebAssembly.Instance(expModule!).exports;
      const expArray = exports.expArray as (from: number, to: number, n: number) => void;
      const memory = exports.memory as WebAssembly.Memory;
      const n = 4001;
      const [from, to] = mixedRegions(memory, [{ length: n }, { length: n }]);
      let worst = 0;
      for (const [lo, hi] of [
        [-1e-3, 1e-3],
        [-1, 1],
        [-40, 40],
        [-708, 709],
      ]) {
        for (let m = 0; m < n; m++) from[m] = lo + ((hi - lo) * m) / (n - 1) + 1e-7 * Math.sin(m);
        expArray(from.byteOffset, to.byteOffset, n);
        for (let m = 0; m < n; m++) {
          const want = Math.exp(from[m]);
          worst = Math.max(worst, Math.abs(to[m] - want) / (want * 2 ** -52));
        }
      }
      expect(worst).toBeLessThanOrEqual(2);
      from.set([0, -745, -1e5, -Infinity, 710, Infinity, Number.NaN]);
      expArray(from.byteOffset, to.byteOffset, 7);
      expect(to[0]).toBe(1);
      // Below −708 and above 709 the argument is clamped: e^−708 and e^709, never 0, ∞ or subnormal.
      for (const m of [1, 2, 3]) expect(to[m]).toBe(to[1]);
      expect(to[1] / Math.exp(-708)).toBeCloseTo(1, 14);
      for (const m of [4, 5]) expect(to[m]).toBe(to[4]);
      expect(to[4] / Math.exp(709)).toBeCloseTo(1, 14);
      expect(Number.isNaN(to[6])).toBe(true);
    },
  );
});
