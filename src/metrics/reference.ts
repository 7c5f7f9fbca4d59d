import { classifierAgreement } from "./agreement.js";
import { type FeatureStats, featureStats } from "./featureStats.js";
import { LENET_CLASSES, LENET_FEATURES, type Lenet } from "./lenet.js";
import { loadMnist } from "./mnist.js";

/**
 * The reference that samples are judged against: the LeNet features of the 10,000 MNIST test
 * images (their μ and Σ for FID, the features themselves for KID), with the extractor's test
 * accuracy and weight hash, which are reported with every FID (DESIGN.md 4). Nothing is cached:
 * computing it takes seconds.
 */
export interface MnistReference {
  readonly stats: FeatureStats;
  /** n × 84 features of the test images, row-major. */
  readonly features: Float64Array;
  readonly n: number;
  /** Test images the classifier labels correctly, and that count over n. */
  readonly correct: number;
  readonly testAccuracy: number;
  /** SHA-256 of the classifier's weights. */
  readonly sha256: string;
}

export function mnistReference(dataDir: string, lenet: Lenet): MnistReference {
  const test = loadMnist(dataDir, "test");
  const { logits, features } = lenet.run(test.images, test.n);
  const agreement = classifierAgreement(logits, test.labels, LENET_CLASSES);
  return {
    stats: featureStats(features, test.n, LENET_FEATURES),
    features,
    n: test.n,
    correct: agreement.agree,
    testAccuracy: agreement.fraction,
    sha256: lenet.sha256,
  };
}
