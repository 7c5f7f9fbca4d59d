import {
  classifierAgreement,
  featureStats,
  frechetDistance,
  kernelInceptionDistance,
  LENET_CLASSES,
  LENET_FEATURES,
  type Lenet,
  type MnistReference,
} from "../metrics/index.js";

/**
 * How samples are judged (docs/sampling.md): clipped to the data range [0, 1] as
 * training/classifier.py `score_samples` does, then labelled by the LeNet-5 classifier
 * (agreement with the conditioning class) and, against the MNIST test set, FID of its 84-d
 * features and KID.
 */
export interface SampleScores {
  readonly agreement: {
    readonly n: number;
    readonly agree: number;
    readonly fraction: number;
    readonly perClass: readonly { class: number; n: number; agree: number; fraction: number }[];
  };
  readonly fid?: number;
  readonly kid?: { mean: number; std: number; subsetSize: number; subsets: number };
}

/** The extractor behind an FID, reported with every one (DESIGN.md 4). */
export interface FidReference {
  readonly testImages: number;
  readonly testAccuracy: number;
  readonly sha256: string;
}

/** Samples x0 (n × 1×28×28) clipped to [0, 1]. */
export function clipToDataRange(
  x0: Float64Array,
  range: readonly [number, number] = [0, 1],
): Float64Array {
  return x0.map((v) => Math.min(range[1], Math.max(range[0], v)));
}

export function scoreSamples(
  x0: Float64Array,
  labels: Int32Array,
  lenet: Lenet,
  reference?: MnistReference,
  kidSeed = 0,
): SampleScores {
  const n = labels.length;
  const { logits, features } = lenet.run(clipToDataRange(x0), n);
  const a = classifierAgreement(logits, labels, LENET_CLASSES);
  const present = new Set(Array.from(labels));
  const agreement = {
    n: a.n,
    agree: a.agree,
    fraction: a.fraction,
    perClass: a.perClass
      .filter((p) => present.has(p.class))
      .map((p) => ({ class: p.class, n: p.n, agree: p.agree, fraction: p.fraction })),
  };
  if (!reference) return { agreement };
  const fid =
    n >= 2
      ? frechetDistance(featureStats(features, n, LENET_FEATURES), reference.stats)
      : Number.NaN;
  const k =
    n >= 2
      ? kernelInceptionDistance(features, n, reference.features, reference.n, LENET_FEATURES, {
          seed: kidSeed,
        })
      : undefined;
  return {
    agreement,
    fid,
    kid: k && { mean: k.mean, std: k.std, subsetSize: k.subsetSize, subsets: k.subsets },
  };
}

/** Root mean square of a − b over every pixel. */
export function pixelRmse(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new RangeError(`${a.length} pixels against ${b.length}`);
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i] - b[i]) ** 2;
  return Math.sqrt(s / a.length);
}
