import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { ValidationError } from "../core/errors.js";
import { conv2d, linear, maxPool2d, reluInPlace, tensor4 } from "../nn/index.js";
import { parseSafetensors, type Tensor } from "../trained/safetensors.js";

/**
 * The LeNet-5-like MNIST classifier of training/classifier.py, whose weights are committed
 * (test/fixtures/models/lenet-mnist.safetensors), computed in float64 from its float32 weights:
 *
 *   conv5(1→6, pad 2) → ReLU → maxpool 2 → conv5(6→16) → ReLU → maxpool 2
 *   → flatten 400 → fc 120 → ReLU → fc 84 → ReLU  (the features, DESIGN.md 4's FID features)
 *   → fc 10  (the logits)
 *
 * Input: n images 1×28×28 in [0, 1] (as training/data.py scales MNIST; no normalisation).
 */
export interface Lenet {
  /** n × 10 logits, row-major. */
  logits(x: Float64Array, n: number): Float64Array;
  /** n × 84 penultimate features, row-major. */
  features(x: Float64Array, n: number): Float64Array;
  /** Both at once. */
  run(x: Float64Array, n: number): { logits: Float64Array; features: Float64Array };
  /** SHA-256 of the weights exactly as training/classifier.py's `weights_sha256`. */
  readonly sha256: string;
  /** The file's `__metadata__` (training writes `test_accuracy` and `sha256`). */
  readonly metadata: Readonly<Record<string, string>>;
}

export const LENET_FEATURES = 84;
export const LENET_CLASSES = 10;
const IMAGE = 28;
const BATCH = 256;

/** Every tensor, in PyTorch's state_dict order (the order the weight hash runs over). */
const SHAPES: readonly (readonly [string, readonly number[]])[] = [
  ["conv1.weight", [6, 1, 5, 5]],
  ["conv1.bias", [6]],
  ["conv2.weight", [16, 6, 5, 5]],
  ["conv2.bias", [16]],
  ["fc1.weight", [120, 400]],
  ["fc1.bias", [120]],
  ["fc2.weight", [LENET_FEATURES, 120]],
  ["fc2.bias", [LENET_FEATURES]],
  ["fc3.weight", [LENET_CLASSES, LENET_FEATURES]],
  ["fc3.bias", [LENET_CLASSES]],
];

/** Reads the classifier from a safetensors file (path) or its bytes; checks every tensor. */
export function loadLenet(pathOrBytes: string | Uint8Array, source?: string): Lenet {
  let bytes: Uint8Array;
  const name = source ?? (typeof pathOrBytes === "string" ? pathOrBytes : "LeNet weights");
  if (typeof pathOrBytes === "string") {
    try {
      bytes = readFileSync(pathOrBytes);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code ?? String(e);
      throw new ValidationError(
        pathOrBytes,
        `cannot read (${code})`,
        "the LeNet-5 safetensors file",
      );
    }
  } else bytes = pathOrBytes;
  const { tensors, metadata } = parseSafetensors(bytes, name);
  const w = checkTensors(tensors, name);
  const sha256 = weightsSha256(w);
  if (metadata.sha256 !== undefined && metadata.sha256 !== sha256)
    throw new ValidationError(
      `${name}: __metadata__.sha256`,
      `${metadata.sha256} differs from the weights' ${sha256}`,
      "the sha256 of the stored weights (training/classifier.py weights_sha256)",
    );
  const run = (x: Float64Array, n: number) => forward(w, x, n);
  return {
    logits: (x, n) => run(x, n).logits,
    features: (x, n) => run(x, n).features,
    run,
    sha256,
    metadata,
  };
}

function checkTensors(tensors: Map<string, Tensor>, source: string): Map<string, Float64Array> {
  const out = new Map<string, Float64Array>();
  for (const [tensorName, shape] of SHAPES) {
    const t = tensors.get(tensorName);
    if (!t)
      throw new ValidationError(
        `${source}: ${tensorName}`,
        "missing",
        `a tensor of shape [${shape.join(", ")}]`,
      );
    if (t.shape.length !== shape.length || t.shape.some((s, k) => s !== shape[k]))
      throw new ValidationError(
        `${source}: ${tensorName}`,
        `shape [${t.shape.join(", ")}]`,
        `[${shape.join(", ")}]`,
      );
    if (t.dtype !== "F32" && t.dtype !== "F64")
      throw new ValidationError(`${source}: ${tensorName}`, `dtype ${t.dtype}`, "F32 or F64");
    out.set(tensorName, t.data);
  }
  for (const tensorName of tensors.keys())
    if (!out.has(tensorName))
      throw new ValidationError(
        `${source}: ${tensorName}`,
        "is not a tensor of LeNet-5",
        SHAPES.map(([k]) => k).join(", "),
      );
  return out;
}

/**
 * SHA-256 over each tensor's name and its values as little-endian float32, in state_dict order:
 * what `weights_sha256` hashes after PyTorch loads the file into the float32 network.
 */
function weightsSha256(w: Map<string, Float64Array>): string {
  const hash = createHash("sha256");
  for (const [tensorName] of SHAPES) {
    const data = w.get(tensorName) as Float64Array;
    const buf = new Uint8Array(4 * data.length);
    const view = new DataView(buf.buffer);
    for (let k = 0; k < data.length; k++) view.setFloat32(4 * k, data[k], true);
    hash.update(tensorName, "utf8");
    hash.update(buf);
  }
  return hash.digest("hex");
}

function forward(
  w: Map<string, Float64Array>,
  x: Float64Array,
  n: number,
): { logits: Float64Array; features: Float64Array } {
  if (!(Number.isInteger(n) && n >= 1))
    throw new ValidationError("lenet.n", `${n}`, "a positive number of images");
  if (!(x instanceof Float64Array) || x.length !== n * IMAGE * IMAGE)
    throw new ValidationError(
      "lenet.x",
      x instanceof Float64Array ? `${x.length} values for ${n} images` : "not a Float64Array",
      `n×1×28×28 = ${n * IMAGE * IMAGE} values`,
    );
  const p = (k: string) => w.get(k) as Float64Array;
  const features = new Float64Array(n * LENET_FEATURES);
  const logits = new Float64Array(n * LENET_CLASSES);
  for (let start = 0; start < n; start += BATCH) {
    const b = Math.min(BATCH, n - start);
    const input = tensor4(
      b,
      1,
      IMAGE,
      IMAGE,
      x.slice(start * IMAGE * IMAGE, (start + b) * IMAGE * IMAGE),
    );
    const c1 = conv2d(input, p("conv1.weight"), p("conv1.bias"), { cOut: 6, k: 5, padding: 2 });
    reluInPlace(c1.data);
    const c2 = conv2d(maxPool2d(c1, 2), p("conv2.weight"), p("conv2.bias"), { cOut: 16, k: 5 });
    reluInPlace(c2.data);
    const flat = maxPool2d(c2, 2).data; // b × 16×5×5 = b × 400, torch's flatten(1) order
    const h1 = linear(flat, p("fc1.weight"), p("fc1.bias"), { n: b, in: 400, out: 120 });
    reluInPlace(h1);
    const f = linear(h1, p("fc2.weight"), p("fc2.bias"), { n: b, in: 120, out: LENET_FEATURES });
    reluInPlace(f);
    features.set(f, start * LENET_FEATURES);
    logits.set(
      linear(f, p("fc3.weight"), p("fc3.bias"), { n: b, in: LENET_FEATURES, out: LENET_CLASSES }),
      start * LENET_CLASSES,
    );
  }
  return { logits, features };
}
