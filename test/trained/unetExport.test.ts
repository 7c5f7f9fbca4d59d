import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { applyOutput } from "../../src/cells/output.js";
import { createCellSystem } from "../../src/cells/system.js";
import { runCosim } from "../../src/cosim/cosim.js";
import { layerArray, parseSafetensors, validateUnetManifest } from "../../src/trained/index.js";
import { integrateTrained } from "../../src/unet/trainedIntegration.js";

const FIXTURES = (
  process.env.FIXTURES ?? "test/fixtures/models/cellnn-mnist,test/fixtures/models/mcellnn-mnist"
).split(",");

function load(dir: string) {
  const manifest = validateUnetManifest(
    JSON.parse(readFileSync(join(dir, "manifest.json"), "utf8")),
    join(dir, "manifest.json"),
  );
  const tensors = parseSafetensors(
    readFileSync(join(dir, manifest.tensors_file)),
    manifest.tensors_file,
  ).tensors;
  const golden = parseSafetensors(
    readFileSync(join(dir, manifest.golden?.file ?? "golden.safetensors")),
  ).tensors;
  return { manifest, tensors, golden };
}

/** The first batch element of a golden layer input as an array stimulus. */
function goldenInput(golden: ReturnType<typeof load>["golden"], layer: string) {
  const t = golden.get(`layers.${layer}.input`);
  if (!t) throw new Error(`golden data lacks layers.${layer}.input`);
  const [, cin, rows, cols] = t.shape;
  return { data: t.data.subarray(0, cin * rows * cols), rows, cols };
}

describe("parseSafetensors(bytes)", () => {
  it("reads a hand-made file and refuses a truncated one", () => {
    const header = JSON.stringify({
      a: { dtype: "F32", shape: [2], data_offsets: [0, 8] },
      b: { dtype: "F64", shape: [1], data_offsets: [8, 16] },
    });
    const h = new TextEncoder().encode(header);
    const bytes = new Uint8Array(8 + h.length + 16);
    const view = new DataView(bytes.buffer);
    view.setBigUint64(0, BigInt(h.length), true);
    bytes.set(h, 8);
    view.setFloat32(8 + h.length, 1.5, true);
    view.setFloat32(8 + h.length + 4, -2, true);
    view.setFloat64(8 + h.length + 8, Math.PI, true);
    const { tensors } = parseSafetensors(bytes);
    expect(Array.from(tensors.get("a")!.data)).toEqual([1.5, -2]);
    expect(tensors.get("b")!.data[0]).toBe(Math.PI);
    expect(() => parseSafetensors(bytes.subarray(0, bytes.length - 3), "cut.safetensors")).toThrow(
      /cut\.safetensors: tensor b: offsets/,
    );
  });
});

for (const dir of FIXTURES) {
  describe(`trained UNet export ${dir}`, () => {
    const { manifest, tensors, golden } = load(dir);

    it("has the seven cellular layers of the paper's UNet", () => {
      expect(manifest.cell_layers.map((l) => l.name)).toEqual([
        "init_conv",
        "down1.block",
        "down2.block",
        "up1.block1",
        "up1.block2",
        "up2.block1",
        "up2.block2",
      ]);
    });

    for (const layer of manifest.cell_layers) {
      it(`${layer.name}: cellspice reproduces the trained layer's output with its own solver`, () => {
        const array = layerArray(manifest, tensors, layer.name, goldenInput(golden, layer.name));
        const sys = createCellSystem(array);
        const r = { y: integrateTrained(sys, sys.initialState(), layer.cell) };
        const n = sys.cells;
        const out = golden.get(`layers.${layer.name}.output`)!.data;
        const wT = golden.get(`layers.${layer.name}.w_T`)?.data;
        let err = 0;
        let wErr = 0;
        for (let p = 0; p < n; p++) {
          err = Math.max(err, Math.abs(applyOutput(array.output, r.y[p]) - out[p]));
          if (array.memristor && wT) wErr = Math.max(wErr, Math.abs(r.y[n + p] - wT[p]));
        }
        // The golden data are float32 (PyTorch); cellspice computes in float64: ~1e-7 apart.
        expect(err).toBeLessThan(2e-6);
        // w goes through exponentials whose arguments reach ~1e2 (p/σ_p) where memristors
        // switch: float32's relative rounding 6e-8 times that argument is ~6e-6 in the rate
        // (measured at most 9.8e-6 in w, in up1.block2 of the M-CellNN fixture).
        expect(wErr).toBeLessThan(3e-5);
        expect(Boolean(array.memristor)).toBe(manifest.architecture.backbone === "mcellnn");
      });
    }
  });
}

describe("a trained layer as a circuit", () => {
  it("down1.block of the CellNN fixture (32 → 32 channels) on a 3×3 crop of its input agrees with ngspice", async () => {
    const { manifest, tensors, golden } = load(FIXTURES[0]);
    const full = goldenInput(golden, "down1.block");
    const cin = full.data.length / (full.rows * full.cols);
    const side = 3;
    const crop = new Float64Array(cin * side * side);
    for (let c = 0; c < cin; c++)
      for (let i = 0; i < side; i++)
        for (let j = 0; j < side; j++)
          crop[(c * side + i) * side + j] =
            full.data[(c * full.rows + i + 10) * full.cols + j + 10];
    const array = layerArray(manifest, tensors, "down1.block", {
      data: crop,
      rows: side,
      cols: side,
    });
    expect(array.channels * array.rows * array.cols).toBe(288);
    // 288 cells with full 32-channel 3×3 templates: 82,944 template transconductances. Input folded
    // into one current source per cell and a 1e-2 τ step cap keep ngspice to a few seconds.
    const r = await runCosim(array, {
      T: manifest.cell_layers[1].cell.T,
      ngspice: { inputForm: "folded", maxStep: 1e-2 },
    });
    expect(r.verdict.pass).toBe(true);
  });
});
