import { readFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { randomStream } from "../../src/core/counterRandom.js";
import {
  featureStats,
  frechetDistance,
  frechetTerms,
  kernelInceptionDistance,
  LENET_FEATURES,
  type Lenet,
  loadLenet,
  loadMnist,
  type MnistReference,
  mmdUnbiased,
  mnistReference,
} from "../../src/metrics/index.js";
import { FIXTURES, LENET_PATH, testMnistDir } from "./mnistData.js";

/**
 * The metrics on real MNIST against training/metrics_reference.py's independent PyTorch / NumPy /
 * SciPy values (test/fixtures/metrics/reference.json). The LeNet features of the 10,000 test
 * images and of the first 10,000 training images (not all 60,000, to keep the test fast) are
 * computed once for every test here.
 */
const reference = JSON.parse(readFileSync(join(FIXTURES, "reference.json"), "utf8"));
const D = LENET_FEATURES;

let net: Lenet;
let ref: MnistReference;
let train: Float64Array;
let dir: string;

beforeAll(() => {
  dir = testMnistDir();
  net = loadLenet(LENET_PATH);
  ref = mnistReference(dir, net);
  const images = loadMnist(dir, "train", { limit: 10000 });
  train = net.features(images.images, images.n);
}, 600_000); // LeNet on 20,000 images: seconds on a quiet machine, minutes on a crowded one

function relative(a: number, b: number): number {
  return Math.abs(a - b) / Math.abs(b);
}

describe("mnistReference", () => {
  it("mnistReference(dir, lenet) counts as many correct test images as PyTorch in float64 (and float32)", () => {
    expect(ref.n).toBe(10000);
    expect(ref.correct).toBe(reference.test_accuracy.correct_float64);
    expect(ref.correct).toBe(reference.test_accuracy.correct_float32);
    expect(ref.testAccuracy).toBe(ref.correct / 10000);
    expect(ref.sha256).toBe(reference.lenet.sha256);
  });

  it("mnistReference(dir, lenet).stats: the test features' μ and variances equal numpy's within 1e-9", () => {
    const { mu, sigma_diagonal: variance, zero_variance_features: dead } = reference.test_features;
    let worstMu = 0;
    let worstVar = 0;
    let zeros = 0;
    for (let i = 0; i < D; i++) {
      worstMu = Math.max(
        worstMu,
        Math.abs(ref.stats.mu[i] - mu[i]) / Math.max(Math.abs(mu[i]), 1e-300),
      );
      const v = ref.stats.sigma[i * D + i];
      if (v === 0) zeros++;
      worstVar = Math.max(worstVar, v === 0 ? Math.abs(variance[i]) : relative(v, variance[i]));
    }
    expect(worstMu).toBeLessThanOrEqual(1e-9);
    expect(worstVar).toBeLessThanOrEqual(1e-9);
    expect(zeros).toBe(dead);
  });
});

describe("FID on MNIST features", () => {
  it("frechetDistance(test, first 10,000 train) equals numpy + scipy.linalg.sqrtm within 1e-6 relative", () => {
    const terms = frechetTerms(ref.stats, featureStats(train, 10000, D));
    expect(relative(terms.fid, reference.fid_test_vs_train.fid)).toBeLessThanOrEqual(1e-6);
    expect(terms.fid).toBeGreaterThan(0.1);
    expect(terms.zeroVarianceFeatures).toBeGreaterThanOrEqual(
      reference.test_features.zero_variance_features,
    );
  });

  it("frechetDistance(X, X) is 0 to rounding for the test-set statistics", () => {
    let trace = 0;
    for (let i = 0; i < D; i++) trace += ref.stats.sigma[i * D + i];
    expect(Math.abs(frechetDistance(ref.stats, ref.stats))).toBeLessThan(1e-12 * trace);
  });
});

describe("KID on MNIST features", () => {
  it("mmdUnbiased(first 1,000 test, first 1,000 train) equals numpy's within 1e-9 relative", () => {
    const n = 1000;
    const kid = mmdUnbiased(ref.features.subarray(0, n * D), n, train.subarray(0, n * D), n, D);
    expect(relative(kid, reference.kid_test_vs_train.kid)).toBeLessThanOrEqual(1e-9);
  });

  it("kernelInceptionDistance of two random halves of the test set is 0 within its spread; of noisy digits it is not", () => {
    // A seeded random split: the file's own halves differ (its first 5,000 digits are the cleaner ones).
    const g = randomStream(0, "halves");
    const order = Array.from({ length: 10000 }, (_, k) => k);
    for (let k = 9999; k > 0; k--) {
      const j = Math.floor(g.uniform(k) * (k + 1));
      [order[k], order[j]] = [order[j], order[k]];
    }
    const half = (from: number) => {
      const out = new Float64Array(5000 * D);
      for (let r = 0; r < 5000; r++)
        out.set(ref.features.subarray(order[from + r] * D, (order[from + r] + 1) * D), r * D);
      return out;
    };
    const options = { subsetSize: 250, subsets: 10 };
    const halves = kernelInceptionDistance(half(0), 5000, half(5000), 5000, D, options);
    expect(Math.abs(halves.mean)).toBeLessThan(2 * halves.std);

    // 1,000 test digits with Gaussian pixel noise (σ = 0.3, clipped to [0, 1]).
    const test = loadMnist(dir, "test", { limit: 1000 });
    const noise = randomStream(0, "noise");
    const noisy = test.images.map((v, k) => Math.min(1, Math.max(0, v + 0.3 * noise.normal(k))));
    const perturbed = kernelInceptionDistance(
      net.features(noisy, 1000),
      1000,
      half(5000),
      5000,
      D,
      options,
    );
    expect(perturbed.mean).toBeGreaterThan(5 * perturbed.std);
    expect(perturbed.mean).toBeGreaterThan(10 * Math.abs(halves.mean));
  });
});
