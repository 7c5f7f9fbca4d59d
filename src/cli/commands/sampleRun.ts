/** One set of samples of `cellspice sample`: drawn with one layer engine, with progress and timing. */
import {
  type DrawnSamples,
  ddimSong2021,
  ddpmHo2020,
  drawSamples,
  type NoiseSource,
  type Schedule,
} from "../../diffusion/index.js";
import { type LayerEngine, type Unet, unetForward } from "../../unet/index.js";
import type { CliContext } from "../context.js";
import { checkInterrupt, interruptible } from "../interrupt.js";
import { createProgress } from "../progress.js";

/** One set of samples drawn with one layer engine, with its scores and timing. */
export async function sampleSet(
  name: string,
  engine: LayerEngine,
  run: {
    unet: Unet;
    schedule: Schedule;
    sampler: "ddim" | "ddpm";
    steps: number;
    w: number;
    batch: number;
    classes: number[];
    perClass: number;
    noise: NoiseSource;
    /** The digital 3×3 convolutions' precision (unetForward's). */
    precision?: "float64" | "float32";
  },
  ctx: CliContext,
): Promise<{ images: DrawnSamples; seconds: number; forwards: number }> {
  const { unet } = run;
  const n = run.classes.length * run.perClass;
  const progress = createProgress({
    label: `sampling (${name})`,
    total: n,
    unit: "images",
    quiet: ctx.quiet,
  });
  const start = performance.now();
  try {
    const images = await interruptible(async () =>
      drawSamples({
        sampler: run.sampler === "ddim" ? ddimSong2021 : ddpmHo2020,
        network: (x, c, t, drop) =>
          unetForward(unet, x, c, t, drop, engine, {
            checkInterrupt,
            precision: run.precision,
          }),
        schedule: run.schedule,
        classes: run.classes,
        perClass: run.perClass,
        image: { channels: unet.inChannels, rows: unet.imageSize, cols: unet.imageSize },
        w: run.w,
        steps: run.steps,
        noise: run.noise,
        batch: run.batch,
        checkInterrupt,
        onStep: (_start, count, info) => progress.tick(count / info.steps),
      }),
    );
    progress.done();
    const passes = run.w === 0 ? 1 : 2;
    return {
      images,
      seconds: (performance.now() - start) / 1000,
      forwards: n * run.steps * passes,
    };
  } catch (e) {
    progress.fail();
    throw e;
  }
}
