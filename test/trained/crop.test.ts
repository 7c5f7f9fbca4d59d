import { describe, expect, it } from "vitest";
import { goldenWindowLayer } from "../../src/trained/crop.js";
import { loadExport } from "../../src/trained/exportDir.js";
import { layerArray } from "../../src/trained/unetExport.js";

const exp = loadExport("test/fixtures/models/cellnn-mnist");

describe("goldenWindowLayer(export, layer, window)", () => {
  it("is the layer on the window's golden input: its templates, every channel", () => {
    const t = exp.golden!.get("layers.up1.block1.input")!;
    const [, cin, rows, cols] = t.shape;
    const w = goldenWindowLayer(exp, "up1.block1", { rows: 3, cols: 5, row0: 2, col0: 7 });
    const whole = layerArray(exp.manifest, exp.tensors, "up1.block1", {
      data: t.data.subarray(0, cin * rows * cols) as Float64Array,
      rows,
      cols,
    });
    expect([w.channels, w.rows, w.cols]).toEqual([whole.channels, 3, 5]);
    expect(w.A).toEqual(whole.A);
    expect(w.B).toEqual(whole.B);
    expect(w.z).toEqual(whole.z);
    expect(w.boundary).toEqual(whole.boundary);
    // every input value is the golden input's at the shifted position
    for (let c = 0; c < cin; c++)
      for (let i = 0; i < 3; i++)
        for (let j = 0; j < 5; j++)
          expect(w.input[(c * 3 + i) * 5 + j]).toBe(t.data[(c * rows + i + 2) * cols + j + 7]);
  });

  it("refuses a window outside the layer, naming its size", () => {
    expect(() =>
      goldenWindowLayer(exp, "up1.block1", { rows: 4, cols: 4, row0: 12, col0: 0 }),
    ).toThrow(/window.*14×14/);
    expect(() =>
      goldenWindowLayer(exp, "up1.block1", { rows: 0, cols: 4, row0: 0, col0: 0 }),
    ).toThrow(/window/);
    expect(() => goldenWindowLayer(exp, "nope", { rows: 1, cols: 1, row0: 0, col0: 0 })).toThrow(
      /golden/,
    );
  });
});
