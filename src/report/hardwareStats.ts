/**
 * The statistics of a hardware sweep (rows of the hardware-sample job kind): per profile point,
 * pooled over mismatch seeds and images, the per-image pixel RMSE against the ideal image (mean
 * with a 95 % Student-t interval, treating images and seeds as independent) and the classifier
 * agreement (count over samples, 95 % Wilson interval).
 */
export interface HardwareRow {
  readonly key: string;
  readonly axis: string;
  readonly value: unknown;
  readonly mismatchSeed: number;
  readonly ideal: boolean;
  readonly n: number;
  readonly classes: number[];
  readonly labels: number[];
  readonly idealLabels: number[];
  /** The images of the samples `gridSamples` (all samples in rows written before it existed). */
  readonly images: number[];
  /** Each sample's pixel RMSE against the ideal images (absent in older rows: from `images`). */
  readonly imageRmse?: number[];
  readonly gridSamples?: number[];
  readonly pixelRmse: number;
  readonly agreement: number;
  readonly timing: { faithfulS: number; forwards: number; msPerForward: number | null };
  /** The sha256 of the model's weights the row was computed from. */
  readonly weightsSha256?: string;
}

export interface PointSummary {
  readonly axis: string;
  readonly value: number;
  /** The swept value as the table writes it (describePoint). */
  readonly text: string;
  /** The one layer on the circuit where the point sets `layers.analog` to it ("all" for "cellular"). */
  readonly layer: string | null;
  /** The point's other settings beside `layers.analog`, e.g. "mismatch.sigma=0.05". */
  readonly condition: string;
  readonly seeds: number[];
  readonly samples: number;
  readonly rmse: { mean: number; lo: number; hi: number };
  readonly agreement: { fraction: number; lo: number; hi: number; agree: number };
  readonly sameLabel: { fraction: number; lo: number; hi: number };
  readonly msPerForward: number | null;
}

/** Two-sided 97.5 % quantile of Student's t with `df` degrees of freedom (table, then normal). */
export function tQuantile975(df: number): number {
  const table = [
    Number.NaN,
    12.706,
    4.303,
    3.182,
    2.776,
    2.571,
    2.447,
    2.365,
    2.306,
    2.262,
    2.228,
    2.201,
    2.179,
    2.16,
    2.145,
    2.131,
    2.12,
    2.11,
    2.101,
    2.093,
    2.086,
    2.08,
    2.074,
    2.069,
    2.064,
    2.06,
    2.056,
    2.052,
    2.048,
    2.045,
    2.042,
  ];
  return df <= 30 ? table[df] : 1.96 + 2.4 / df;
}

/** 95 % Wilson score interval of k successes in n. */
export function wilson(k: number, n: number): { fraction: number; lo: number; hi: number } {
  if (n === 0) return { fraction: Number.NaN, lo: Number.NaN, hi: Number.NaN };
  const z = 1.959964;
  const p = k / n;
  const d = 1 + (z * z) / n;
  const c = (p + (z * z) / (2 * n)) / d;
  const h = (z * Math.sqrt((p * (1 - p)) / n + (z * z) / (4 * n * n))) / d;
  return { fraction: p, lo: Math.max(0, c - h), hi: Math.min(1, c + h) };
}

/** Per-image RMSE of the images of a row against the ideal row's (clipped to [0, 1]). */
export function perImageRmse(row: HardwareRow, ideal: HardwareRow): number[] {
  if (row.imageRmse) return row.imageRmse;
  if (row.gridSamples && row.gridSamples.length !== row.n)
    throw new Error(`row ${row.key} keeps only some images and has no imageRmse`);
  const per = row.images.length / row.n;
  const clip = (v: number) => Math.min(1, Math.max(0, v));
  const out: number[] = [];
  for (let k = 0; k < row.n; k++) {
    let s = 0;
    for (let p = 0; p < per; p++)
      s += (clip(row.images[k * per + p]) - clip(ideal.images[k * per + p])) ** 2;
    out.push(Math.sqrt(s / per));
  }
  return out;
}

/**
 * A swept value as a number: a σ map of one parameter (memristor.sigma = {"G_m": 0.1}) is that
 * parameter's σ on the axis `memristor.sigma.G_m`; anything else not a number is NaN (the report
 * then draws no plot for its axis).
 */
export function numericPoint(axis: string, value: unknown): { axis: string; value: number } {
  if (value !== null && typeof value === "object" && !Array.isArray(value)) {
    const entries = Object.entries(value);
    if (entries.length === 1 && typeof entries[0][1] === "number")
      return { axis: `${axis}.${entries[0][0]}`, value: entries[0][1] };
    return { axis, value: Number.NaN };
  }
  return { axis, value: Number(value) };
}

/**
 * A swept value as text, and the layer it puts on the circuit alone where it sets
 * `layers.analog` (a per-layer sensitivity sweep: a "grid" over `layers.analog` = [name], …, and
 * another axis). Numbers are written as they are; other values as `path=value, …` (one entry
 * per axis of a grid point) with lists joined by "+".
 */
export function describePoint(
  axis: string,
  value: unknown,
): { text: string; layer: string | null; condition: string } {
  // A grid point varies several axes (its axis is their paths joined by "+"); a one-axis
  // point's value may itself be an object (a σ map).
  const entries: [string, unknown][] =
    axis.includes("+") && value !== null && typeof value === "object" && !Array.isArray(value)
      ? Object.entries(value)
      : [[axis, value]];
  const show = (v: unknown) =>
    Array.isArray(v) ? v.join("+") : typeof v === "object" ? JSON.stringify(v) : String(v);
  const analog = entries.find(([k]) => k === "layers.analog")?.[1];
  const layer =
    analog === "cellular"
      ? "all"
      : Array.isArray(analog) && analog.length === 1
        ? String(analog[0])
        : null;
  const numeric = numericPoint(axis, value);
  return {
    text: Number.isFinite(numeric.value)
      ? String(numeric.value)
      : entries.map(([k, v]) => `${k}=${show(v)}`).join(", "),
    layer,
    condition: entries
      .filter(([k]) => k !== "layers.analog")
      .map(([k, v]) => `${k}=${show(v)}`)
      .join(", "),
  };
}

/** The mean of `values` with its 95 % Student-t interval (NaN bounds for fewer than two). */
export function meanInterval(values: readonly number[]): {
  n: number;
  mean: number;
  lo: number;
  hi: number;
} {
  const n = values.length;
  const mean = values.reduce((s, v) => s + v, 0) / n;
  if (n < 2) return { n, mean, lo: Number.NaN, hi: Number.NaN };
  const sd = Math.sqrt(values.reduce((s, v) => s + (v - mean) ** 2, 0) / (n - 1));
  const half = (tQuantile975(n - 1) * sd) / Math.sqrt(n);
  return { n, mean, lo: mean - half, hi: mean + half };
}

/** One summary per (axis, value), in the order of the rows. */
export function summarisePoints(rows: readonly HardwareRow[]): {
  ideal: HardwareRow;
  points: PointSummary[];
} {
  const ideal = rows.find((r) => r.ideal);
  if (!ideal) throw new Error("the sweep has no ideal row");
  const groups = new Map<string, HardwareRow[]>();
  for (const r of rows) {
    if (r.ideal) continue;
    const k = `${r.axis}\u0000${JSON.stringify(r.value)}`;
    groups.set(k, [...(groups.get(k) ?? []), r]);
  }
  const points: PointSummary[] = [];
  for (const group of groups.values()) {
    const { mean, lo, hi } = meanInterval(group.flatMap((r) => perImageRmse(r, ideal)));
    let agree = 0;
    let same = 0;
    let n = 0;
    for (const r of group)
      for (let k = 0; k < r.n; k++) {
        n++;
        if (r.labels[k] === r.classes[k]) agree++;
        if (r.labels[k] === r.idealLabels[k]) same++;
      }
    const times = group.map((r) => r.timing.msPerForward).filter((t): t is number => t !== null);
    points.push({
      ...numericPoint(group[0].axis, group[0].value),
      ...describePoint(group[0].axis, group[0].value),
      seeds: group.map((r) => r.mismatchSeed),
      samples: n,
      rmse: { mean, lo, hi },
      agreement: { ...wilson(agree, n), agree },
      sameLabel: wilson(same, n),
      msPerForward: times.length ? times.reduce((s, v) => s + v, 0) / times.length : null,
    });
  }
  return { ideal, points };
}
