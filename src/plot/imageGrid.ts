import { PNG } from "pngjs";
import { ValidationError } from "../core/errors.js";

/**
 * A grid of images as a PNG, as training/imaging.py draws its sample grids: values in `range`
 * (default [0, 1], the data range of the MNIST exports) clipped and mapped to 0…255, images
 * `gap` pixels apart on black, then enlarged `scale` times (nearest neighbour). One channel
 * gives a greyscale PNG, three an RGB one. pngjs encodes the file (a kept, pure-JavaScript PNG
 * library on npm: zlib from Node, no native code).
 */
export interface ImageGridOptions {
  /** The images, N×C×H×W. */
  readonly images: ArrayLike<number>;
  readonly shape: {
    readonly batch: number;
    readonly channels: number;
    readonly rows: number;
    readonly cols: number;
  };
  /** The grid's rows and columns. */
  readonly gridRows: number;
  readonly gridCols: number;
  /** The image at a grid place (undefined: left black). */
  readonly at: (gridRow: number, gridCol: number) => number | undefined;
  /** Values mapped to black and white (default [0, 1]). */
  readonly range?: readonly [number, number];
  /** Pixels between images (default 2). */
  readonly gap?: number;
  /** Enlargement (default 2). */
  readonly scale?: number;
}

/** The grid's pixels as 8-bit values, H×W×C (before PNG encoding). */
export function imageGridPixels(o: ImageGridOptions): {
  width: number;
  height: number;
  channels: number;
  data: Uint8Array;
} {
  const { batch, channels: C, rows: H, cols: W } = o.shape;
  if (C !== 1 && C !== 3)
    throw new ValidationError("channels", `${C}`, "1 (greyscale) or 3 (RGB) channels per image");
  if (o.images.length !== batch * C * H * W)
    throw new ValidationError(
      "images",
      `${o.images.length} values`,
      `N×C×H×W = ${batch * C * H * W}`,
    );
  const [lo, hi] = o.range ?? [0, 1];
  if (!(hi > lo)) throw new ValidationError("range", `[${lo}, ${hi}]`, "lo < hi");
  const gap = o.gap ?? 2;
  const scale = o.scale ?? 2;
  if (!(Number.isInteger(scale) && scale >= 1))
    throw new ValidationError("scale", `${scale}`, "an integer ≥ 1");
  const width = (o.gridCols * (W + gap) + gap) * scale;
  const height = (o.gridRows * (H + gap) + gap) * scale;
  const data = new Uint8Array(width * height * C);
  for (let gr = 0; gr < o.gridRows; gr++) {
    for (let gc = 0; gc < o.gridCols; gc++) {
      const k = o.at(gr, gc);
      if (k === undefined) continue;
      if (!(Number.isInteger(k) && k >= 0 && k < batch))
        throw new RangeError(`grid place (${gr}, ${gc}): image ${k} of ${batch}`);
      for (let i = 0; i < H; i++) {
        for (let j = 0; j < W; j++) {
          for (let c = 0; c < C; c++) {
            const v = o.images[((k * C + c) * H + i) * W + j];
            const level = Math.round(Math.min(1, Math.max(0, (v - lo) / (hi - lo))) * 255);
            const y0 = (gap + gr * (H + gap) + i) * scale;
            const x0 = (gap + gc * (W + gap) + j) * scale;
            for (let dy = 0; dy < scale; dy++)
              for (let dx = 0; dx < scale; dx++)
                data[((y0 + dy) * width + x0 + dx) * C + c] = Number.isNaN(v) ? 0 : level;
          }
        }
      }
    }
  }
  return { width, height, channels: C, data };
}

/** The grid as PNG bytes. */
export function imageGridPng(o: ImageGridOptions): Uint8Array {
  const { width, height, channels, data } = imageGridPixels(o);
  const png = new PNG({ width, height });
  for (let p = 0; p < width * height; p++) {
    const r = data[p * channels];
    png.data[4 * p] = r;
    png.data[4 * p + 1] = channels === 3 ? data[p * 3 + 1] : r;
    png.data[4 * p + 2] = channels === 3 ? data[p * 3 + 2] : r;
    png.data[4 * p + 3] = 255;
  }
  return new Uint8Array(PNG.sync.write(png, { colorType: channels === 3 ? 2 : 0 }));
}

/**
 * The place of each sample in a class-major run (every class in order, `perClass` samples
 * each): one column per class, sample j of a class in row j.
 */
export function classColumns(classes: number, perClass: number) {
  return {
    gridRows: perClass,
    gridCols: classes,
    at: (row: number, col: number) => col * perClass + row,
  };
}
