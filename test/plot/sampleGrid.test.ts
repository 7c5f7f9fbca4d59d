import { PNG } from "pngjs";
import { describe, expect, it } from "vitest";
import { classColumns, imageGridPixels, imageGridPng } from "../../src/plot/imageGrid.js";

// 3 classes × 2 samples of 2×3 images, class-major; image k has the constant value k/5.
const shape = { batch: 6, channels: 1, rows: 2, cols: 3 };
const images = Float64Array.from({ length: 36 }, (_, i) => Math.floor(i / 6) / 5);

describe("imageGridPng", () => {
  it("imageGridPng puts one class per column, sample j in row j, values scaled to 0…255", () => {
    const png = PNG.sync.read(
      Buffer.from(imageGridPng({ images, shape, ...classColumns(3, 2), gap: 1, scale: 2 })),
    );
    // width: (3·(3 + 1) + 1)·2 = 26, height: (2·(2 + 1) + 1)·2 = 14
    expect([png.width, png.height]).toEqual([26, 14]);
    const grey = (x: number, y: number) => png.data[4 * (y * png.width + x)];
    // Image of class c, sample j starts at pixel ((1 + c·4)·2, (1 + j·3)·2) and is k = 2c + j.
    for (let c = 0; c < 3; c++)
      for (let j = 0; j < 2; j++) {
        const k = 2 * c + j;
        expect(grey((1 + c * 4) * 2, (1 + j * 3) * 2)).toBe(Math.round((k / 5) * 255));
        expect(grey((1 + c * 4) * 2 + 5, (1 + j * 3) * 2 + 3)).toBe(Math.round((k / 5) * 255));
      }
    expect(grey(0, 0)).toBe(0); // the gaps are black
    expect(grey(8, 2)).toBe(0);
  });

  it("imageGridPixels clips to the range and refuses a wrong size or channel count", () => {
    const wild = Float64Array.from([-1, 0.5, 2, 0, 0, 0]);
    const { data } = imageGridPixels({
      images: wild,
      shape: { batch: 1, channels: 1, rows: 2, cols: 3 },
      gridRows: 1,
      gridCols: 1,
      at: () => 0,
      gap: 0,
      scale: 1,
    });
    expect(Array.from(data)).toEqual([0, 128, 255, 0, 0, 0]);
    expect(() => imageGridPng({ images: wild, shape, ...classColumns(3, 2) })).toThrow(/^images/);
    expect(() =>
      imageGridPng({
        images: new Float64Array(12),
        shape: { batch: 1, channels: 2, rows: 2, cols: 3 },
        gridRows: 1,
        gridCols: 1,
        at: () => 0,
      }),
    ).toThrow(/^channels/);
  });
});
