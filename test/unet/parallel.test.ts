import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ValidationError } from "../../src/core/errors.js";
import { idealProfile, withProfile } from "../../src/hardware/index.js";
import {
  cellEngine,
  type LayerEngine,
  layerKey,
  loadUnet,
  type ParallelEngine,
  parallelEngine,
  sliceBatch,
  type TrainedCellLayer,
  trainedEngine,
  unetForward,
} from "../../src/unet/index.js";
import { crop } from "../hardware/support.js";

const FIXTURES = ["test/fixtures/models/cellnn-mnist", "test/fixtures/models/mcellnn-mnist"];
const BATCHES = [1, 2, 5, 16];
const THREADS = [1, 2, 3];
/** The circuit engine's module, as a module spec names it (the workers import it by URL). */
const CIRCUIT = new URL("../../src/hardware/circuitEngine.ts", import.meta.url).href;

/** Every engine a test opens, closed at the end (so that no thread outlives the file). */
const opened: ParallelEngine[] = [];
function open(...a: Parameters<typeof parallelEngine>): ParallelEngine {
  const e = parallelEngine(...a);
  opened.push(e);
  return e;
}
afterAll(async () => {
  await Promise.all(opened.map((e) => e.close()));
  expect(opened.map((e) => e.liveThreads)).toEqual(opened.map(() => 0));
});
/** The trained engine on 1, 2 and 3 threads, shared by the tests (threads start once). */
const trainedOn = THREADS.map((threads) => open({ kind: "trained" }, { threads }));
/** The cell engine's tolerances in these tests, and the engine on 3 threads. */
const CELL = { rtol: 1e-5, atol: 1e-7 };
const cellOn3 = open({ kind: "cell", options: CELL }, { threads: 3 });
// Threads load their modules before the first (blocking) run: ready() (parallel.ts).
beforeAll(async () => {
  await Promise.all([...trainedOn, cellOn3].map((e) => e.ready()));
});

/** Asserts that two float64 arrays hold the same bits (−0 ≠ +0, NaN patterns compared too). */
function expectSameBits(a: Float64Array | undefined, b: Float64Array | undefined, what: string) {
  expect(a, what).toBeDefined();
  expect(b, what).toBeDefined();
  expect(a!.length, what).toBe(b!.length);
  const x = new BigInt64Array(a!.buffer, a!.byteOffset, a!.length);
  const y = new BigInt64Array(b!.buffer, b!.byteOffset, b!.length);
  const bad = x.findIndex((v, k) => v !== y[k]);
  expect(bad, `${what}: first differing value at ${bad}: ${a![bad]} vs ${b![bad]}`).toBe(-1);
}

type Shape = { batch: number; channels: number; rows: number; cols: number };

/**
 * A batch of `batch` distinct inputs of a layer: its golden input (batch 1) cropped to at most
 * side×side, element k scaled by 1 − 0.03k and shifted by 0.01k.
 */
function batchOf(
  unet: ReturnType<typeof loadUnet>,
  layer: TrainedCellLayer,
  batch: number,
  side = 8,
) {
  const g = unet.golden!.get(`layers.${layer.spec.name}.input`)!;
  const [, channels, rows, cols] = g.shape;
  side = Math.min(side, rows, cols);
  const one = crop(g.data, { batch: 1, channels, rows, cols }, side, side, 0, 0).u;
  const u = new Float64Array(batch * one.length);
  for (let k = 0; k < batch; k++)
    for (let p = 0; p < one.length; p++) u[k * one.length + p] = one[p] * (1 - 0.03 * k) + 0.01 * k;
  return { u, shape: { batch, channels, rows: side, cols: side } as Shape };
}

function expectSameResult(
  engine: LayerEngine,
  reference: LayerEngine,
  layer: TrainedCellLayer,
  u: Float64Array,
  shape: Shape,
  what: string,
) {
  const want = reference.run(layer, u, shape, { keepStates: true });
  const got = engine.run(layer, u, shape, { keepStates: true });
  expectSameBits(got.y, want.y, `${what} y`);
  expectSameBits(got.x, want.x, `${what} x(T)`);
  if (want.w) expectSameBits(got.w, want.w, `${what} w(T)`);
  else expect(got.w, `${what} w(T)`).toBeUndefined();
}

describe("sliceBatch(batch, threads)", () => {
  it("sliceBatch covers the batch in order with sizes differing by at most one", () => {
    expect(sliceBatch(5, 3)).toEqual([
      [0, 2],
      [2, 4],
      [4, 5],
    ]);
    expect(sliceBatch(2, 3)).toEqual([
      [0, 1],
      [1, 2],
    ]);
    for (const batch of [1, 7, 16, 33])
      for (const threads of [1, 2, 3, 8]) {
        const s = sliceBatch(batch, threads);
        expect(s.length).toBe(Math.min(batch, threads));
        expect(s[0][0]).toBe(0);
        expect(s[s.length - 1][1]).toBe(batch);
        for (let i = 1; i < s.length; i++) expect(s[i][0]).toBe(s[i - 1][1]);
        const sizes = s.map(([a, b]) => b - a);
        expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
      }
  });
});

for (const dir of FIXTURES) {
  describe(`parallelEngine on ${dir}`, () => {
    const unet = loadUnet(dir);

    it("parallelEngine(trained) equals trainedEngine bit for bit on every layer (y, x(T), w(T)), batch 1, 2, 5, 16, threads 1, 2, 3", () => {
      const reference = trainedEngine();
      const engines = trainedOn;
      for (const layer of unet.cellLayers)
        for (const batch of BATCHES) {
          const { u, shape } = batchOf(unet, layer, batch);
          const want = reference.run(layer, u, shape, { keepStates: true });
          for (const e of engines) {
            const got = e.run(layer, u, shape, { keepStates: true });
            const what = `${layer.spec.name} batch ${batch} threads ${e.threads}`;
            expectSameBits(got.y, want.y, `${what} y`);
            expectSameBits(got.x, want.x, `${what} x(T)`);
            if (unet.backbone === "mcellnn") expectSameBits(got.w, want.w, `${what} w(T)`);
            else expect(got.w, what).toBeUndefined();
          }
          // Without keepStates only the output comes back.
          if (batch === 2) {
            const r = engines[1].run(layer, u, shape);
            expectSameBits(r.y, want.y, `${layer.spec.name} y without keepStates`);
            expect(r.x).toBeUndefined();
            expect(r.w).toBeUndefined();
          }
          // The elements differ (equality would otherwise prove little about the slicing).
          if (batch === 16) {
            const n = want.y.length / batch;
            expect(want.y.subarray(0, n)).not.toEqual(want.y.subarray(15 * n));
          }
        }
    });

    it("parallelEngine(cell) equals cellEngine bit for bit (adaptive solves), batch 5 on 3 threads", () => {
      const layer = unet.cellLayers[3];
      const { u, shape } = batchOf(unet, layer, 5, 6);
      expectSameResult(cellOn3, cellEngine(CELL), layer, u, shape, `${layer.spec.name} cell`);
    });
  });
}

describe("parallelEngine of a module spec (the hardware circuit engine)", () => {
  const unet = loadUnet(FIXTURES[0]);

  it("the circuit engine with mismatch, offsets, converters and thermal noise gives the same bits on 3 threads as on one", async () => {
    const { circuitEngine } = await import("../../src/hardware/circuitEngine.js");
    const profile = withProfile(idealProfile(), {
      "mismatch.sigma": 0.02,
      "offset.sigma": 0.02,
      "dac.bits": 6,
      "dac.full_scale": 4,
      "adc.bits": 8,
      "adc.full_scale": 2,
      "thermal.temperature": 300,
      "thermal.dt": 0.05,
    });
    const options = { mismatchSeed: 7, rtol: 1e-5, atol: 1e-7 };
    const engine = open(
      { kind: "module", module: CIRCUIT, export: "circuitEngine", args: [profile, options] },
      { threads: 3 },
    );
    await engine.ready();
    const reference = circuitEngine(profile, options);
    expect(engine.name).toBe("circuit");
    expect(engine.describe()).toEqual({ ...reference.describe(), threads: 3 });
    for (const layer of [unet.cellLayers[1]]) {
      const { u, shape } = batchOf(unet, layer, 4, 6);
      expectSameResult(engine, reference, layer, u, shape, `${layer.spec.name} circuit`);
      // The mapped circuit is not the ideal cell (the test would otherwise not see mismatch).
      const ideal = cellEngine(options).run(layer, u, shape);
      expect(engine.run(layer, u, shape).y).not.toEqual(ideal.y);
    }
  });

  it("a module spec without that export, or a module that does not exist, fails with the reason", async () => {
    const missing = open(
      { kind: "module", module: CIRCUIT, export: "noSuchEngine", args: [] },
      { threads: 2 },
    );
    await missing.ready();
    expect(() => missing.describe()).toThrow(/has no function export "noSuchEngine"/);
    const gone = open(
      { kind: "module", module: new URL("./nowhere.js", CIRCUIT).href, export: "x", args: [] },
      { threads: 1 },
    );
    await gone.ready();
    const layer = unet.cellLayers[1];
    const { u, shape } = batchOf(unet, layer, 2);
    expect(() => gone.run(layer, u, shape)).toThrow(/nowhere/);
  });
});

describe("parallelEngine: caching, chaining, errors, interrupts, close", () => {
  const unet = loadUnet(FIXTURES[0]);
  const layer = unet.cellLayers[1];

  it("parallelEngine(spec, {threads}) rejects a thread count that is not an integer in 1…256", () => {
    for (const threads of [0, 1.5, 257, Number.NaN])
      expect(() => parallelEngine({ kind: "trained" }, { threads })).toThrow(ValidationError);
    expect(() => parallelEngine({ kind: "cell", options: { rtol: 2 } }, { threads: 1 })).toThrow(
      /rtol/,
    );
  });

  it("the calling thread runs the first slice: threads − 1 workers, none for a batch of one; a module engine needs ready()", async () => {
    const engine = open({ kind: "trained" }, { threads: 2 });
    const one = batchOf(unet, layer, 1);
    expectSameBits(
      engine.run(layer, one.u, one.shape).y,
      trainedEngine().run(layer, one.u, one.shape).y,
      "batch 1",
    );
    expect(engine.liveThreads).toBe(0); // no worker was needed
    await engine.ready();
    expect(engine.liveThreads).toBe(1);
    const four = batchOf(unet, layer, 4);
    expectSameBits(
      engine.run(layer, four.u, four.shape).y,
      trainedEngine().run(layer, four.u, four.shape).y,
      "batch 4",
    );
    expect(engine.liveThreads).toBe(1);
    const circuit = open(
      { kind: "module", module: CIRCUIT, export: "circuitEngine", args: [idealProfile(), {}] },
      { threads: 2 },
    );
    expect(() => circuit.run(layer, four.u, four.shape)).toThrow(/await ready\(\)/);
  });

  it("a layer of the same name with other templates is not served from the cache (key: name + content hash)", () => {
    const engine = trainedOn[1];
    const { u, shape } = batchOf(unet, layer, 4);
    const changed: TrainedCellLayer = { ...layer, z: layer.z.map((v) => v + 0.25) };
    expect(layerKey(changed)).not.toBe(layerKey(layer));
    expect(layerKey({ ...layer, A: layer.A.slice() })).toBe(layerKey(layer));
    const first = engine.run(layer, u, shape);
    const second = engine.run(changed, u, shape);
    expectSameBits(first.y, trainedEngine().run(layer, u, shape).y, "original");
    expectSameBits(second.y, trainedEngine().run(changed, u, shape).y, "changed z");
    expect(second.y).not.toEqual(first.y);
  });

  it("a layer's shared output feeds the next layer without a copy and gives the same bits; so does the whole forward", () => {
    const engine = trainedOn[2];
    const [block1, block2] = [unet.cellLayers[3], unet.cellLayers[4]];
    const { u, shape } = batchOf(unet, block1, 5);
    const first = engine.run(block1, u, shape);
    expect(first.y.buffer).toBeInstanceOf(SharedArrayBuffer);
    const chained = engine.run(block2, first.y, shape);
    const reference = trainedEngine();
    expectSameBits(
      chained.y,
      reference.run(block2, reference.run(block1, u, shape).y, shape).y,
      "chain",
    );

    const n = 3;
    const H = unet.imageSize;
    const x = new Float64Array(n * unet.inChannels * H * H).map((_, k) => Math.sin(0.37 * k));
    const c = Int32Array.from([1, 4, 9]);
    const t = Float64Array.from([0.9, 0.5, 0.1]);
    const drop = Float64Array.from([0, 1, 0]);
    const traceP = new Map<string, Float64Array>();
    const traceS = new Map<string, Float64Array>();
    const epsP = unetForward(unet, x, c, t, drop, engine, { trace: traceP });
    const epsS = unetForward(unet, x, c, t, drop, reference, { trace: traceS });
    expectSameBits(epsP, epsS, "forward output");
    expect([...traceP.keys()]).toEqual([...traceS.keys()]);
    for (const [name, v] of traceS) expectSameBits(traceP.get(name), v, name);
  });

  it("a worker's error surfaces with its class, field and message", () => {
    const engine = trainedOn[1];
    const { u, shape } = batchOf(unet, layer, 3);
    const bad: TrainedCellLayer = {
      ...layer,
      spec: {
        ...layer.spec,
        cell: { ...layer.spec.cell, solver: { method: "midpoint" as "rk4", steps: 2 } },
      },
    };
    let want: unknown;
    try {
      trainedEngine().run(bad, u, shape);
    } catch (e) {
      want = e;
    }
    expect(want).toBeInstanceOf(ValidationError);
    expect(() => engine.run(bad, u, shape)).toThrow(ValidationError);
    try {
      engine.run(bad, u, shape);
    } catch (e) {
      expect((e as ValidationError).field).toBe((want as ValidationError).field);
      expect((e as Error).message).toBe((want as Error).message);
    }
    // A wrong input length is refused before any thread sees it; the engine still works after.
    expect(() => engine.run(layer, u.subarray(1), shape)).toThrow(/has \d+ values/);
    expectSameBits(engine.run(layer, u, shape).y, trainedEngine().run(layer, u, shape).y, "after");
  });

  it("checkInterrupt stops every worker at once, even inside an endless solve; the next run starts fresh threads; close() ends them all", async () => {
    const engine = parallelEngine({ kind: "trained" }, { threads: 2 });
    await engine.ready();
    const { u, shape } = batchOf(unet, layer, 4);
    const endless: TrainedCellLayer = {
      ...layer,
      spec: { ...layer.spec, cell: { ...layer.spec.cell, solver: { method: "rk4", steps: 1e7 } } }, // hours of steps; the step grid (80 MB) still allocates
    };
    const stop = new Error("stop");
    let calls = 0;
    expect(() =>
      engine.run(endless, u, shape, {
        checkInterrupt: () => {
          if (++calls === 20) throw stop;
        },
      }),
    ).toThrow(stop);
    expect(calls).toBe(20);
    await engine.ready(); // the fresh threads
    const again = engine.run(layer, u, shape, { checkInterrupt: () => {} });
    expectSameBits(again.y, trainedEngine().run(layer, u, shape).y, "after the interrupt");
    // close() resolves only once every thread has exited: the endless ones were stopped.
    await engine.close();
    expect(engine.liveThreads).toBe(0);
    expect(() => engine.run(layer, u, shape)).toThrow(/after close/);
  });
});
