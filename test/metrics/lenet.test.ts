import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadLenet, loadMnist } from "../../src/metrics/index.js";
import { parseSafetensors, type Tensor } from "../../src/trained/safetensors.js";
import { validationErrorOf as errorOf } from "../support/validationError.js";
import { FIXTURES, LENET_PATH, testMnistDir } from "./mnistData.js";
import { safetensorsBytes } from "./safetensorsBytes.js";

/** Logits and features of real test images from PyTorch in float64 (training/metrics_reference.py). */
const golden = JSON.parse(readFileSync(join(FIXTURES, "lenet-logits.json"), "utf8")) as {
  indices: number[];
  labels: number[];
  logits: number[][];
  features: number[][];
};
const reference = JSON.parse(readFileSync(join(FIXTURES, "reference.json"), "utf8"));

/** max over elements of |a − b| / |b| (|b| ≥ 1e-6; zeros, as ReLU gives, must match to 1e-15). */
function maxRelative(a: ArrayLike<number>, b: number[]): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let k = 0; k < b.length; k++) {
    const e = Math.abs(a[k] - b[k]) / Math.max(Math.abs(b[k]), 1e-6);
    if (!(e <= m)) m = e; // NaN propagates
  }
  return m;
}

const weights = (): Map<string, Tensor> => parseSafetensors(readFileSync(LENET_PATH)).tensors;

describe("loadLenet", () => {
  const net = loadLenet(LENET_PATH);

  it("loadLenet(path).logits and .features match PyTorch's float64 values on real MNIST test images within 1e-9", () => {
    const n = golden.indices.length;
    expect(golden.indices).toEqual(Array.from({ length: n }, (_, k) => k));
    const test = loadMnist(testMnistDir(), "test", { limit: n });
    expect(Array.from(test.labels)).toEqual(golden.labels);
    const { logits, features } = net.run(test.images, n);
    expect(maxRelative(logits, golden.logits.flat())).toBeLessThanOrEqual(1e-9);
    expect(maxRelative(features, golden.features.flat())).toBeLessThanOrEqual(1e-9);
    expect(Array.from(net.logits(test.images, n))).toEqual(Array.from(logits));
    expect(Array.from(net.features(test.images.slice(784), n - 1))).toEqual(
      Array.from(features.slice(84)),
    );
  });

  it("loadLenet(path).sha256 is training/classifier.py's weights_sha256, as the file's metadata records", () => {
    expect(net.sha256).toBe(reference.lenet.sha256);
    expect(net.sha256).toBe(net.metadata.sha256);
    expect(net.metadata.test_accuracy).toBe("0.9857");
  });

  it("loadLenet(bytes) names a missing tensor, a tensor of the wrong shape and one LeNet does not have", () => {
    const missing = weights();
    missing.delete("fc2.bias");
    expect(errorOf(() => loadLenet(safetensorsBytes(missing), "w.safetensors")).field).toBe(
      "w.safetensors: fc2.bias",
    );
    const wrong = weights();
    const conv = wrong.get("conv2.weight") as Tensor;
    wrong.set("conv2.weight", { ...conv, shape: [16, 6, 25] });
    const e = errorOf(() => loadLenet(safetensorsBytes(wrong), "w.safetensors"));
    expect(e.field).toBe("w.safetensors: conv2.weight");
    expect(e.message).toMatch(/\[16, 6, 25\].*\[16, 6, 5, 5\]/);
    const extra = weights();
    extra.set("fc4.bias", { dtype: "F32", shape: [1], data: new Float64Array(1) });
    expect(errorOf(() => loadLenet(safetensorsBytes(extra), "w.safetensors")).field).toBe(
      "w.safetensors: fc4.bias",
    );
  });

  it("loadLenet(bytes) rejects weights whose recorded sha256 is not theirs; F64 weights hash as float32", () => {
    const w = weights();
    const changed = new Map(w);
    const bias = w.get("fc3.bias") as Tensor;
    changed.set("fc3.bias", { ...bias, data: bias.data.map((v, k) => (k === 0 ? v + 1 : v)) });
    const e = errorOf(() =>
      loadLenet(safetensorsBytes(changed, { sha256: reference.lenet.sha256 }), "w"),
    );
    expect(e.field).toBe("w: __metadata__.sha256");
    const f64 = new Map([...w].map(([k, t]) => [k, { ...t, dtype: "F64" }] as const));
    expect(loadLenet(safetensorsBytes(f64)).sha256).toBe(reference.lenet.sha256);
    expect(loadLenet(safetensorsBytes(changed)).sha256).not.toBe(reference.lenet.sha256);
  });

  it("lenet.logits(x, n) names an input that is not n×1×28×28", () => {
    expect(errorOf(() => net.logits(new Float64Array(783), 1)).field).toBe("lenet.x");
    expect(errorOf(() => net.features(new Float64Array(784), 0)).field).toBe("lenet.n");
    expect(errorOf(() => loadLenet("/nonexistent/lenet.safetensors")).field).toBe(
      "/nonexistent/lenet.safetensors",
    );
  });
});
