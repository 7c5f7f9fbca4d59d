/**
 * The trained engine's float32 precision against float64 on the fixtures (docs/unet.md quotes
 * what this prints): for every cellular layer of cellnn-mnist and mcellnn-mnist on its golden
 * input, max |Δy| / max |y| (and for an M-CellNN max |Δw| / max |w|) between the two precisions,
 * and which float32 correlation the layer takes; then the golden forward ε in both precisions
 * against the golden data (max |Δ| / max |ε|), with float32 cellular layers alone and with the
 * digital 3×3 convolutions in float32 too (`sample --precision float32`). Seconds:
 *
 *     npx tsx scripts/float32-error.ts
 */
import { winogradApplies } from "../src/kernels/winograd3x3F32.js";
import { loadUnet, trainedEngine, unetForward } from "../src/unet/index.js";

const f64 = trainedEngine();
const f32 = trainedEngine({ precision: "float32" });
const maxAbs = (a: Float64Array) => a.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
const relative = (a: Float64Array, b: Float64Array) => {
  let d = 0;
  for (let m = 0; m < a.length; m++) d = Math.max(d, Math.abs(a[m] - b[m]));
  return d / maxAbs(b);
};

for (const fixture of ["cellnn-mnist", "mcellnn-mnist"]) {
  const unet = loadUnet(`test/fixtures/models/${fixture}`);
  const golden = (name: string) => unet.golden!.get(name)!;
  for (const layer of unet.cellLayers) {
    const u = golden(`layers.${layer.spec.name}.input`);
    const [batch, channels, rows, cols] = u.shape;
    const shape = { batch, channels, rows, cols };
    const want = f64.run(layer, u.data, shape, { keepStates: true });
    const got = f32.run(layer, u.data, shape, { keepStates: true });
    const path = winogradApplies(layer.spec.c_out, rows, cols) ? "winograd" : "f32x4 taps";
    const w = want.w && got.w ? `  w ${relative(got.w, want.w).toExponential(2)}` : "";
    console.log(
      `${fixture} ${layer.spec.name} (${layer.spec.c_out}×${rows}×${cols}, ${path}): y ${relative(got.y, want.y).toExponential(2)}${w}`,
    );
  }
  const c = Int32Array.from(golden("forward.c").data);
  const forward = (engine: typeof f64, precision: "float64" | "float32" = "float64") =>
    unetForward(
      unet,
      golden("forward.x_t").data,
      c,
      golden("forward.t").data,
      golden("forward.drop").data,
      engine,
      { precision },
    );
  const want = golden("forward.output").data;
  console.log(
    `${fixture} forward against the golden ε: float64 ${relative(forward(f64), want).toExponential(2)}, float32 cellular layers ${relative(forward(f32), want).toExponential(2)}, float32 cellular and digital ${relative(forward(f32, "float32"), want).toExponential(2)}`,
  );
}
