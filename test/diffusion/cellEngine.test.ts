/**
 * Sampling with the continuous cell (`cell` engine) against the discretisation each cellular
 * fixture was trained with (`trained`), from the same seeded noise (class 0, 1 sample, w = 0,
 * seed 0, rtol 1e-4 / atol 1e-6). Measured with scripts/sample-cell-vs-trained.ts and the same
 * draws (docs/sampling.md): CellNN (n_feat 32, trained with RK4 × 4), DDIM 5 steps, pixel RMSE
 * 5.0e-4 (2026-12-03; the n_feat 16 fixture trained with RK4 × 2 gave 3.6e-3); M-CellNN, DDIM 3
 * steps, 0.125 (2026-12-03; rtol 1e-5 moved it by 6e-5, so it is the discretisation's, not the
 * tolerance's). The bounds are twice the measurement and a fraction of it: far from 0, since
 * RK4 × 4 (or × 2) steps over T = 1 is not the continuous cell — for the M-CellNN fixture, whose
 * memristors switch within a step, much less so (docs/reproduction.md).
 *
 *     npx tsx scripts/sample-cell-vs-trained.ts --fixture cellnn-mnist --classes 1 --per-class 1 \
 *         --steps 5 --w 0 --rtol 1e-4 --atol 1e-6 --batch 1
 */
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ddimSong2021, ddpmSchedule, drawSamples, seededNoise } from "../../src/diffusion/index.js";
import { pixelRmse } from "../../src/report/sampleScores.js";
import {
  cellEngine,
  type LayerEngine,
  loadUnet,
  trainedEngine,
  unetForward,
} from "../../src/unet/index.js";

const CASES = [
  { fixture: "cellnn-mnist", steps: 5, measured: 5.0e-4, floor: 1 / 4 },
  { fixture: "mcellnn-mnist", steps: 3, measured: 0.125, floor: 1 / 2 },
] as const;

describe.each(CASES)(
  "sampling $fixture with the cell engine",
  ({ fixture, steps, measured, floor }) => {
    it("the cell engine's samples stay within twice the measured pixel RMSE of the trained engine's", async () => {
      const unet = loadUnet(join(import.meta.dirname, "../fixtures/models", fixture), {
        golden: false,
      });
      const draw = (engine: LayerEngine) =>
        drawSamples({
          sampler: ddimSong2021,
          network: (x, c, t, drop) => unetForward(unet, x, c, t, drop, engine),
          schedule: ddpmSchedule(unet.nT, unet.betas),
          classes: [0],
          perClass: 1,
          image: { channels: 1, rows: 28, cols: 28 },
          w: 0,
          steps,
          noise: seededNoise(0, [{ cls: 0, index: 0 }], 784),
          batch: 1,
        });
      const trained = await draw(trainedEngine());
      const cell = await draw(cellEngine({ rtol: 1e-4, atol: 1e-6 }));
      const rmse = pixelRmse(cell.x0, trained.x0);
      expect(rmse).toBeLessThan(2 * measured);
      expect(rmse).toBeGreaterThan(measured * floor);
    }, 60_000);
  },
);
