import { ValidationError } from "../core/errors.js";

/**
 * Classifier agreement: the fraction of samples whose classifier label (the argmax of its
 * logits, the first one on a tie, as torch.argmax) is the class they were conditioned on, overall
 * and per class.
 */
export interface ClassAgreement {
  readonly class: number;
  /** Samples conditioned on this class. */
  readonly n: number;
  /** Of those, the ones labelled with it. */
  readonly agree: number;
  /** agree / n; NaN when no sample has this class. */
  readonly fraction: number;
}

export interface Agreement {
  readonly n: number;
  readonly agree: number;
  readonly fraction: number;
  readonly perClass: readonly ClassAgreement[];
  /** The classifier's label of each sample. */
  readonly labels: Uint8Array;
}

/** Agreement of `logits` (n × nClasses, row-major) with the conditioning `classes` (n). */
export function classifierAgreement(
  logits: ArrayLike<number>,
  classes: ArrayLike<number>,
  nClasses: number,
): Agreement {
  if (!(Number.isInteger(nClasses) && nClasses >= 1 && nClasses <= 256))
    throw new ValidationError("agreement.nClasses", `${nClasses}`, "an integer from 1 to 256");
  const n = classes.length;
  if (logits.length !== n * nClasses)
    throw new ValidationError(
      "agreement.logits",
      `${logits.length} values for ${n} samples`,
      `n·nClasses = ${n * nClasses}`,
    );
  const total = new Array<number>(nClasses).fill(0);
  const hits = new Array<number>(nClasses).fill(0);
  const labels = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const c = classes[i];
    if (!(Number.isInteger(c) && c >= 0 && c < nClasses))
      throw new ValidationError(
        `agreement.classes[${i}]`,
        `${c}`,
        `a class from 0 to ${nClasses - 1}`,
      );
    for (let k = 0; k < nClasses; k++)
      if (!Number.isFinite(logits[i * nClasses + k]))
        throw new ValidationError(
          `agreement.logits[${i * nClasses + k}]`,
          `${logits[i * nClasses + k]}`,
          "a finite number",
        );
    let best = 0;
    for (let k = 1; k < nClasses; k++)
      if (logits[i * nClasses + k] > logits[i * nClasses + best]) best = k;
    labels[i] = best;
    total[c]++;
    if (best === c) hits[c]++;
  }
  const agree = hits.reduce((s, v) => s + v, 0);
  return {
    n,
    agree,
    fraction: n === 0 ? Number.NaN : agree / n,
    perClass: total.map((t, c) => ({
      class: c,
      n: t,
      agree: hits[c],
      fraction: t === 0 ? Number.NaN : hits[c] / t,
    })),
    labels,
  };
}
