import { readFileSync } from "node:fs";
import { expect } from "vitest";
import { parseSafetensors, type Tensor } from "../../src/trained/safetensors.js";

/** The PyTorch float64 golden values of training/nn_golden.py. */
export const GOLDEN_FILE = new URL("../fixtures/nn/ops.safetensors", import.meta.url);

export interface GoldenCase {
  readonly name: string;
  readonly op: string;
  readonly options: Record<string, number | boolean>;
}

export interface Golden {
  readonly cases: GoldenCase[];
  /** `<case>.<role>` → values (throws naming the tensor when absent). */
  tensor(name: string): Tensor;
  /** The same, or undefined when the file has no such tensor (an op without bias). */
  optional(name: string): Float64Array | undefined;
}

let cached: Golden | undefined;

export function loadGolden(): Golden {
  if (cached) return cached;
  const { tensors, metadata } = parseSafetensors(readFileSync(GOLDEN_FILE), "ops.safetensors");
  const cases = JSON.parse(metadata.cases) as GoldenCase[];
  cached = {
    cases,
    tensor(name) {
      const t = tensors.get(name);
      if (!t) throw new Error(`ops.safetensors has no tensor ${name}`);
      expect(t.dtype, name).toBe("F64");
      return t;
    },
    optional: (name) => tensors.get(name)?.data,
  };
  return cached;
}

/**
 * Asserts max |a − b| ≤ rtol · max |b| (normwise relative error over the whole tensor), failing
 * on NaN; `what` names the case in the message.
 */
export function expectRelClose(
  a: ArrayLike<number>,
  b: ArrayLike<number>,
  rtol: number,
  what: string,
): void {
  expect(a.length, `${what}: length`).toBe(b.length);
  let scale = 0;
  let diff = 0;
  for (let k = 0; k < b.length; k++) {
    scale = Math.max(scale, Math.abs(b[k]));
    const d = Math.abs(a[k] - b[k]);
    if (!(d <= diff)) diff = Number.isNaN(d) ? Number.NaN : d;
    if (Number.isNaN(diff)) break;
  }
  expect(Number.isFinite(diff), `${what}: non-finite difference`).toBe(true);
  expect(scale, `${what}: reference is all zero`).toBeGreaterThan(0);
  expect(diff / scale, `${what}: max |Δ| / max |reference|`).toBeLessThanOrEqual(rtol);
}
