/**
 * The golden trajectories of each fixture (training/golden.py, float64 in PyTorch, stored
 * float32; docs/export-format.md): the guided DDIM run (4 samples, 25 steps, w = 2, every x_τ
 * stored) and the truncated DDPM chain from x_10 with supplied z, reproduced by src/diffusion
 * driving src/unet's forward with the `trained` engine, within 1e-4 per pixel at every step.
 *
 * The 4 golden samples are independent batch elements (one forward per batch; batch > 1 equals
 * batch-1 runs: test/unet); the default run follows sample 0 through every step, to keep the
 * M-CellNN fixture's 70 image-forwards to seconds. CELLSPICE_GOLDEN_ALL=1 follows all 4.
 */
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  ddimSong2021,
  ddimTimesteps,
  ddpmHo2020,
  ddpmSchedule,
  guidedEps,
  suppliedNoise,
} from "../../src/diffusion/index.js";
import type { Tensor } from "../../src/trained/safetensors.js";
import { loadUnet, trainedEngine, unetForward } from "../../src/unet/index.js";

const FIXTURES = ["conv-mnist", "cellnn-mnist", "mcellnn-mnist"];
const root = join(import.meta.dirname, "../fixtures/models");
/** Per pixel, at every step: the golden x are float32 (≈ 6e-8 relative), ours float64. */
const TOLERANCE = 1e-4;

function maxAbs(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Number.POSITIVE_INFINITY;
  let m = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i] - b[i]);
    if (!(d <= m)) m = d; // NaN → NaN, which fails the bound
  }
  return m;
}

describe.each(FIXTURES)("golden trajectories of %s", (fixture) => {
  const unet = loadUnet(join(root, fixture));
  const golden = unet.golden as ReadonlyMap<string, Tensor>;
  const get = (name: string): Tensor => {
    const t = golden.get(name);
    if (!t) throw new Error(`${fixture}: golden.safetensors has no ${name}`);
    return t;
  };
  const schedule = ddpmSchedule(unet.nT, unet.betas);
  const engine = trainedEngine();
  const network = (x: Float64Array, c: Int32Array, t: Float64Array, drop: Float64Array) =>
    unetForward(unet, x, c, t, drop, engine);
  const [stored, C, H, W] = get("ddim.x_T").shape;
  const n = process.env.CELLSPICE_GOLDEN_ALL === "1" ? stored : 1;
  const shape = { batch: n, channels: C, rows: H, cols: W };
  const size = n * C * H * W;
  const image = C * H * W;
  /** Samples 0…n−1 of a stored [steps, 4, C, H, W] trajectory at step k. */
  const at = (x: Float64Array, k: number) =>
    x.subarray(k * stored * image, k * stored * image + size);
  /** The first n samples' tensors, as the noise file reader sees them. */
  const firstN = (t: Tensor, rows: number): Tensor => {
    const data = new Float64Array(rows * size);
    for (let k = 0; k < rows; k++) data.set(at(t.data, k), k * size);
    return {
      dtype: t.dtype,
      shape: rows === 1 && t.shape.length === 4 ? [n, C, H, W] : [rows, n, C, H, W],
      data,
    };
  };

  it("ddimSong2021 + guidedEps + unetForward(trained) follow the golden DDIM run within 1e-4 per pixel at every step", async () => {
    const steps = get("ddim.timesteps").data.length;
    expect(ddimTimesteps(unet.nT, steps)).toEqual(Array.from(get("ddim.timesteps").data));
    const x = get("ddim.x").data;
    const c = Int32Array.from(get("ddim.c").data.subarray(0, n));
    const errors: number[] = [];
    const taus: number[] = [];
    await ddimSong2021(
      guidedEps(network, c, get("ddim.w").data[0], unet.nT),
      schedule,
      at(get("ddim.x_T").data, 0),
      shape,
      {
        steps,
        onStep: ({ step, t, x: xt }) => {
          taus.push(t);
          errors.push(maxAbs(xt, at(x, step + 1)));
        },
      },
    );
    expect(taus).toEqual(Array.from(get("ddim.timesteps").data));
    expect(errors).toHaveLength(steps);
    expect(
      Math.max(...errors),
      `per-step max |Δx|: ${errors.map((e) => e.toExponential(1))}`,
    ).toBeLessThan(TOLERANCE);
  }, 120_000);

  it("ddpmHo2020 from the golden x_10 and z follows the golden DDPM chain within 1e-4 per pixel at every step", async () => {
    const z = get("ddpm.z");
    const T = z.shape[0];
    const x = get("ddpm.x").data;
    const noise = suppliedNoise({ x_T: firstN(get("ddpm.x_T"), 1), z: firstN(z, T) }, shape, T);
    const errors: number[] = [];
    await ddpmHo2020(
      guidedEps(
        network,
        Int32Array.from(get("ddpm.c").data.subarray(0, n)),
        get("ddpm.w").data[0],
        unet.nT,
      ),
      schedule,
      noise.x_T(0, n),
      shape,
      {
        steps: T,
        noise: noise.ancestral(0, n),
        onStep: ({ step, x: xt }) => errors.push(maxAbs(xt, at(x, step + 1))),
      },
    );
    expect(errors).toHaveLength(T);
    expect(
      Math.max(...errors),
      `per-step max |Δx|: ${errors.map((e) => e.toExponential(1))}`,
    ).toBeLessThan(TOLERANCE);
  }, 120_000);
});
