import { ValidationError } from "../core/errors.js";

/**
 * A batch of feature maps in NCHW order, row-major: element (b, ch, i, j) of an N×C×H×W tensor
 * is `data[((b·C + ch)·H + i)·W + j]`. The digital layers of the UNet and of LeNet work on these.
 */
export interface Tensor4 {
  readonly data: Float64Array;
  /** Batch size N. */
  readonly n: number;
  /** Channels C. */
  readonly c: number;
  /** Rows H. */
  readonly h: number;
  /** Columns W. */
  readonly w: number;
}

/** A tensor of shape n×c×h×w; zeros unless `data` (of exactly n·c·h·w values) is given. */
export function tensor4(n: number, c: number, h: number, w: number, data?: Float64Array): Tensor4 {
  for (const [name, v] of [
    ["n", n],
    ["c", c],
    ["h", h],
    ["w", w],
  ] as const) {
    if (!(Number.isInteger(v) && v >= 1))
      throw new ValidationError(
        `tensor4.${name}`,
        `${v} is not a positive integer`,
        "an integer ≥ 1",
      );
  }
  const size = n * c * h * w;
  if (data === undefined) return { data: new Float64Array(size), n, c, h, w };
  if (data.length !== size)
    throw new ValidationError(
      "tensor4.data",
      `${data.length} values for shape ${n}×${c}×${h}×${w}`,
      `exactly ${size} values`,
    );
  return { data, n, c, h, w };
}

/** `n×c×h×w`, as error messages write a shape. */
export function shapeText(x: { n: number; c: number; h: number; w: number }): string {
  return `${x.n}×${x.c}×${x.h}×${x.w}`;
}

/**
 * Checks that a tensor argument is consistent (its data holds n·c·h·w values) and, where
 * `channels` is given, that it has that many channels; the error names `op.field`.
 */
export function checkTensor(op: string, field: string, x: Tensor4, channels?: number): void {
  const size = x.n * x.c * x.h * x.w;
  if (!(x.data instanceof Float64Array) || x.data.length !== size)
    throw new ValidationError(
      `${op}.${field}`,
      `data of ${x.data?.length} values for shape ${shapeText(x)}`,
      `a Float64Array of exactly ${size} values`,
    );
  if (channels !== undefined && x.c !== channels)
    throw new ValidationError(
      `${op}.${field}`,
      `${x.c} channels (shape ${shapeText(x)})`,
      `N×${channels}×H×W`,
    );
}

/**
 * Checks that a parameter array (a weight, bias or running statistic) has `expected` values;
 * `layout` describes its shape in the error ("Cout×Cin×k×k = 16×8×3×3").
 */
export function checkParam(
  op: string,
  field: string,
  a: Float64Array | undefined,
  expected: number,
  layout: string,
): Float64Array {
  if (!(a instanceof Float64Array) || a.length !== expected)
    throw new ValidationError(
      `${op}.${field}`,
      a instanceof Float64Array ? `${a.length} values` : "missing or not a Float64Array",
      `a Float64Array of ${layout} = ${expected} values`,
    );
  return a;
}

/** Checks a size option (kernel, channel count, padding) is an integer ≥ `min`. */
export function checkSize(op: string, field: string, v: number, min: number): number {
  if (!(Number.isInteger(v) && v >= min))
    throw new ValidationError(`${op}.${field}`, `${v}`, `an integer ≥ ${min}`);
  return v;
}

/** Checks a small positive constant such as a norm's ε (finite, ≥ 0). */
export function checkEps(op: string, eps: number): number {
  if (!(Number.isFinite(eps) && eps >= 0))
    throw new ValidationError(`${op}.eps`, `${eps}`, "a finite number ≥ 0");
  return eps;
}
