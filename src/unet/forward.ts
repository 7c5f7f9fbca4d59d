import { ValidationError } from "../core/errors.js";
import { avgPool2d } from "../nn/avgPool2d.js";
import { concatChannels } from "../nn/concatChannels.js";
import { conv2d } from "../nn/conv2d.js";
import { convTranspose2d } from "../nn/convTranspose2d.js";
import { embedFC } from "../nn/embedFC.js";
import { geluInPlace } from "../nn/gelu.js";
import { groupNorm } from "../nn/groupNorm.js";
import { maxPool2d } from "../nn/maxPool2d.js";
import { reluInPlace } from "../nn/relu.js";
import { type Tensor4, tensor4 } from "../nn/tensor.js";
import type { LayerEngine } from "./layerEngine.js";
import { residualConvBlock } from "./residualConvBlock.js";
import type { Unet } from "./unet.js";
import { embedParams, weight } from "./weights.js";

/** Receives a block's tensors by their golden names (`layers.<name>.input|output|x_T|w_T`). */
export type UnetTrace =
  | Map<string, Float64Array>
  | ((name: string, data: Float64Array, shape: readonly number[]) => void);

export interface UnetForwardOptions {
  /** Every block's input and output (and x(T), w(T) of cellular layers), by golden name. */
  readonly trace?: UnetTrace;
  /** Checked between blocks and passed to the layer engine; throws to stop. */
  readonly checkInterrupt?: () => void;
  /**
   * The digital 3×3 convolutions' arithmetic (conv2d's `precision`): "float64" (default, the
   * reference's bits) or "float32" (Winograd in WebAssembly; about 1e-7 relative per conv). The
   * cellular layers' precision is their engine's (trainedEngine's `precision`).
   */
  readonly precision?: "float64" | "float32";
}

/** GroupNorm's group count in up0 and out (training/unet.py). */
const GROUPS = 8;

function checkInputs(
  unet: Unet,
  x_t: Float64Array,
  c: Int32Array,
  t: Float64Array,
  drop: Float64Array,
): number {
  const n = c.length;
  const { inChannels: C, imageSize: H, nClasses } = unet;
  if (n < 1) throw new ValidationError("c", "is empty", "one class label per batch element");
  if (x_t.length !== n * C * H * H)
    throw new ValidationError("x_t", `has ${x_t.length} values`, `N×C×H×W = ${n}×${C}×${H}×${H}`);
  for (const [field, a] of [
    ["t", t],
    ["drop", drop],
  ] as const) {
    if (a.length !== n)
      throw new ValidationError(field, `has ${a.length} values`, `${n} (one per batch element)`);
  }
  for (let k = 0; k < n; k++) {
    if (!(c[k] >= 0 && c[k] < nClasses))
      throw new ValidationError(`c[${k}]`, `got ${c[k]}`, `a class in 0…${nClasses - 1}`);
  }
  return n;
}

/**
 * ε_θ(x_t, c, t) of the UNet for a batch, as docs/export-format.md "Forward" (training/unet.py
 * ContextUnet.forward), in float64: x_t N×C×H×W, c the class labels, t = t_index/n_T, drop 1
 * where the class is dropped (its one-hot becomes 0). The cellular layers run on `engine`,
 * everything else on src/nn's digital operations.
 */
export function unetForward(
  unet: Unet,
  x_t: Float64Array,
  c: Int32Array,
  t: Float64Array,
  drop: Float64Array,
  engine: LayerEngine,
  options: UnetForwardOptions = {},
): Float64Array {
  const n = checkInputs(unet, x_t, c, t, drop);
  const F = unet.nFeat;
  const pool = unet.imageSize / 4;
  const { trace, checkInterrupt, precision } = options;
  const emit = (name: string, x: Tensor4 | Float64Array, shape?: readonly number[]) => {
    if (!trace) return;
    const data = x instanceof Float64Array ? x : x.data;
    if (trace instanceof Map) trace.set(name, data);
    else
      trace(
        name,
        data,
        x instanceof Float64Array ? (shape ?? [data.length]) : [x.n, x.c, x.h, x.w],
      );
  };
  const cellular = new Map(unet.cellLayers.map((l) => [l.spec.name, l]));
  const block = (name: string, x: Tensor4, cOut: number, residual = false): Tensor4 => {
    checkInterrupt?.();
    emit(`layers.${name}.input`, x);
    let y: Tensor4;
    const layer = cellular.get(name);
    if (layer) {
      const r = engine.run(
        layer,
        x.data,
        { batch: x.n, channels: x.c, rows: x.h, cols: x.w },
        { keepStates: trace !== undefined, checkInterrupt },
      );
      y = tensor4(x.n, cOut, x.h, x.w, r.y);
      const shape = [x.n, cOut, x.h, x.w];
      if (r.x) emit(`layers.${name}.x_T`, r.x, shape);
      if (r.w) emit(`layers.${name}.w_T`, r.w, shape);
    } else {
      y = residualConvBlock(unet, name, x, cOut, residual, precision);
    }
    emit(`layers.${name}.output`, y);
    return y;
  };

  const H = unet.imageSize;
  const x = block("init_conv", tensor4(n, unet.inChannels, H, H, x_t), F, true);
  const d1 = maxPool2d(block("down1.block", x, F), 2);
  const d2 = maxPool2d(block("down2.block", d1, 2 * F), 2);
  const hidden = avgPool2d(d2, pool);
  geluInPlace(hidden.data);

  const onehot = new Float64Array(n * unet.nClasses);
  for (let k = 0; k < n; k++) onehot[k * unet.nClasses + c[k]] = 1 - drop[k];
  const cemb1 = embedFC(onehot, embedParams(unet, "contextembed1"));
  const temb1 = embedFC(t, embedParams(unet, "timeembed1"));
  const cemb2 = embedFC(onehot, embedParams(unet, "contextembed2"));
  const temb2 = embedFC(t, embedParams(unet, "timeembed2"));

  const up0 = convTranspose2d(hidden, weight(unet, "up0.0.weight"), weight(unet, "up0.0.bias"), {
    cOut: 2 * F,
    k: pool,
  });
  const u1 = groupNorm(up0, GROUPS, weight(unet, "up0.1.weight"), weight(unet, "up0.1.bias"), 1e-5);
  reluInPlace(u1.data);

  const up = (stage: "up1" | "up2", a: Tensor4, skip: Tensor4): Tensor4 => {
    const cat = concatChannels(a, skip);
    const s = convTranspose2d(
      cat,
      weight(unet, `${stage}.upsample.weight`),
      weight(unet, `${stage}.upsample.bias`),
      { cOut: F, k: 2 },
    );
    return block(`${stage}.block2`, block(`${stage}.block1`, s, F), F);
  };
  const u2 = up("up1", modulate(u1, cemb1, temb1), d2);
  const u3 = up("up2", modulate(u2, cemb2, temb2), d1);

  checkInterrupt?.();
  const o0 = conv2d(
    concatChannels(u3, x),
    weight(unet, "out.0.weight"),
    weight(unet, "out.0.bias"),
    {
      cOut: F,
      k: 3,
      padding: 1,
      precision,
    },
  );
  const o1 = groupNorm(o0, GROUPS, weight(unet, "out.1.weight"), weight(unet, "out.1.bias"), 1e-5);
  reluInPlace(o1.data);
  const eps = conv2d(o1, weight(unet, "out.3.weight"), weight(unet, "out.3.bias"), {
    cOut: unet.inChannels,
    k: 3,
    padding: 1,
    precision,
  });
  emit("forward.output", eps);
  return eps.data;
}

/** cemb·u + temb, the embeddings (N×C) broadcast over each channel's H×W plane. */
function modulate(u: Tensor4, cemb: Float64Array, temb: Float64Array): Tensor4 {
  const plane = u.h * u.w;
  const out = new Float64Array(u.data.length);
  for (let nc = 0; nc < u.n * u.c; nc++) {
    const a = cemb[nc];
    const b = temb[nc];
    for (let p = nc * plane; p < (nc + 1) * plane; p++) out[p] = a * u.data[p] + b;
  }
  return { ...u, data: out };
}
