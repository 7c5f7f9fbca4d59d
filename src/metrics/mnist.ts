import { existsSync } from "node:fs";
import { join } from "node:path";
import { ValidationError } from "../core/errors.js";
import { readIdx } from "./idx.js";

/**
 * MNIST from the four original IDX files in a data directory (`.gz` or not), scaled exactly as
 * training/data.py scales them for the classifier and the UNets: uint8 / 255 in float32, [0, 1],
 * no normalisation. The float32 value is kept in a Float64Array (`Math.fround(u / 255)` is the
 * correctly rounded float32 quotient, as numpy's).
 */
export interface MnistSplit {
  /** n × rows × cols pixels in [0, 1] (N×1×H×W for the classifier). */
  readonly images: Float64Array;
  readonly labels: Uint8Array;
  readonly n: number;
  readonly rows: number;
  readonly cols: number;
}

export type MnistSplitName = "train" | "test";

const FILES: Record<MnistSplitName, { images: string; labels: string }> = {
  train: { images: "train-images-idx3-ubyte", labels: "train-labels-idx1-ubyte" },
  test: { images: "t10k-images-idx3-ubyte", labels: "t10k-labels-idx1-ubyte" },
};

const ENV = "CELLSPICE_MNIST";

/** The MNIST directory: `option` (the CLI's `--data DIR`), else `$CELLSPICE_MNIST`. */
export function mnistDir(option?: string, env: NodeJS.ProcessEnv = process.env): string {
  const dir = option || env[ENV];
  if (!dir)
    throw new ValidationError(
      "--data",
      `no MNIST directory given and $${ENV} is not set`,
      `--data DIR or ${ENV}=DIR, a directory holding the four MNIST IDX files (train-images-idx3-ubyte[.gz], …)`,
    );
  return dir;
}

/** The path of one IDX file in `dir`: the `.gz` one if present, else the plain one. */
function find(dir: string, stem: string): string {
  for (const name of [`${stem}.gz`, stem]) if (existsSync(join(dir, name))) return join(dir, name);
  throw new ValidationError(
    join(dir, stem),
    "not found (neither .gz nor plain)",
    `a directory holding the four MNIST IDX files (--data DIR or ${ENV}=DIR)`,
  );
}

/** One split of MNIST; `limit` keeps only its first images. */
export function loadMnist(
  dir: string,
  split: MnistSplitName,
  options: { limit?: number } = {},
): MnistSplit {
  const files = FILES[split];
  if (!files)
    throw new ValidationError("split", `unknown split ${JSON.stringify(split)}`, "train or test");
  const imagesPath = find(dir, files.images);
  const labelsPath = find(dir, files.labels);
  const images = readIdx(imagesPath);
  const labels = readIdx(labelsPath);
  if (images.dims.length !== 3)
    throw new ValidationError(
      imagesPath,
      `has ${images.dims.length} dimensions`,
      "3 (n, rows, cols)",
    );
  if (labels.dims.length !== 1 || labels.dims[0] !== images.dims[0])
    throw new ValidationError(
      labelsPath,
      `dims [${labels.dims.join(", ")}] do not match ${images.dims[0]} images`,
      `one label per image: [${images.dims[0]}]`,
    );
  const [total, rows, cols] = images.dims;
  const limit = options.limit ?? total;
  if (!(Number.isInteger(limit) && limit >= 1))
    throw new ValidationError("limit", `${limit}`, "a positive integer");
  const n = Math.min(limit, total);
  const pixels = new Float64Array(n * rows * cols);
  for (let k = 0; k < pixels.length; k++) pixels[k] = Math.fround(images.data[k] / 255);
  for (const v of labels.data.subarray(0, n))
    if (v > 9) throw new ValidationError(labelsPath, `label ${v}`, "digits 0–9");
  return { images: pixels, labels: labels.data.slice(0, n), n, rows, cols };
}
