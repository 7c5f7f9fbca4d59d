/**
 * Prints the metric numbers quoted in docs/metrics.md, computed by src/metrics on real MNIST:
 *
 *   npx tsx test/metrics/measure.ts [--data DIR]        (else $CELLSPICE_MNIST)
 *
 * Not a test: the tests (test/metrics/reference.test.ts) check the same quantities against
 * training/metrics_reference.py's independent values.
 */
import { randomStream } from "../../src/core/counterRandom.js";
import {
  LENET_FEATURES as D,
  featureStats,
  frechetTerms,
  type KidOptions,
  kernelInceptionDistance,
  loadLenet,
  loadMnist,
  mnistDir,
  mnistReference,
} from "../../src/metrics/index.js";
import { LENET_PATH } from "./mnistData.js";

const at = process.argv.indexOf("--data");
const dir = mnistDir(at > 0 ? process.argv[at + 1] : undefined);
const cpu = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};

const net = loadLenet(LENET_PATH);
let c0 = cpu();
const ref = mnistReference(dir, net);
const lenetCpuPerImage = (cpu() - c0) / ref.n;
const train = loadMnist(dir, "train", { limit: 10000 });
const trainFeatures = net.features(train.images, train.n);

/** Rows `rows` of the test features. */
const pick = (rows: ArrayLike<number>) => {
  const out = new Float64Array(rows.length * D);
  for (let r = 0; r < rows.length; r++)
    out.set(ref.features.subarray(rows[r] * D, (rows[r] + 1) * D), r * D);
  return out;
};
const g = randomStream(0, "halves");
const order = Array.from({ length: 10000 }, (_, k) => k);
for (let k = 9999; k > 0; k--) {
  const j = Math.floor(g.uniform(k) * (k + 1));
  [order[k], order[j]] = [order[j], order[k]];
}
const test = loadMnist(dir, "test", { limit: 1000 });
const noise = randomStream(0, "noise");
const noisy = net.features(
  test.images.map((v, k) => Math.min(1, Math.max(0, v + 0.3 * noise.normal(k)))),
  1000,
);
const kidOptions: KidOptions = { subsetSize: 500, subsets: 20 };
const kid = (a: Float64Array, b: Float64Array) => {
  const r = kernelInceptionDistance(a, a.length / D, b, b.length / D, D, kidOptions);
  return { mean: r.mean, std: r.std };
};
c0 = cpu();
const fid = frechetTerms(ref.stats, featureStats(trainFeatures, 10000, D));
const fidCpu = cpu() - c0;
const trainStats = featureStats(trainFeatures, 10000, D);
const trainStatsFid = (keepZeroVariance: boolean) =>
  frechetTerms(ref.stats, trainStats, { keepZeroVariance }).fid;
const secondHalf = pick(order.slice(5000));
console.log(
  JSON.stringify(
    {
      lenet: { sha256: ref.sha256, testCorrect: ref.correct, testAccuracy: ref.testAccuracy },
      fidTestVsTrain10k: fid,
      fidTestVsTrain10kZeroVarianceKept: trainStatsFid(true),
      fidTestVsItself: frechetTerms(ref.stats, ref.stats).fid,
      kid: {
        options: kidOptions,
        randomHalvesOfTest: kid(pick(order.slice(0, 5000)), secondHalf),
        fileHalvesOfTest: kid(
          pick(order.map((_, k) => k).slice(0, 5000)),
          pick(order.map((_, k) => k).slice(5000)),
        ),
        noisyDigitsVsHalf: kid(noisy, secondHalf),
      },
      cpuSeconds: { lenetPerImage: lenetCpuPerImage, fid: fidCpu },
    },
    null,
    1,
  ),
);
