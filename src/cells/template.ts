import { ValidationError } from "../core/errors.js";

/**
 * A multi-channel template: coefficients T[o][i][k][l] for output channel o, input channel i and
 * offset (k − r, l − r) with r = (size − 1)/2. Applied as a cross-correlation (no kernel flip, the
 * indexing of PyTorch's conv2d), rows written top to bottom (DESIGN.md 1).
 */
export interface Template {
  readonly outChannels: number;
  readonly inChannels: number;
  /** Odd side length k. */
  readonly size: number;
  /** Row-major [o][i][k][l], length outChannels·inChannels·size². */
  readonly data: Float64Array;
}

/** The radius r of a template of odd size k = 2r + 1. */
export function templateRadius(t: Template): number {
  return (t.size - 1) / 2;
}

/** Coefficient T[o][i][k][l]. */
export function templateAt(t: Template, o: number, i: number, k: number, l: number): number {
  return t.data[((o * t.inChannels + i) * t.size + k) * t.size + l];
}

/** A single-channel template from rows [top; middle; bottom]. */
export function singleChannelTemplate(rows: readonly (readonly number[])[]): Template {
  return templateFromNested([[rows]], "template");
}

/** A C_out × C_in template whose centre coefficient is `diagonal` on matching channels. */
export function diagonalTemplate(
  channels: number,
  inChannels: number,
  diagonal: number,
  size = 3,
): Template {
  const data = new Float64Array(channels * inChannels * size * size);
  const r = (size - 1) / 2;
  for (let c = 0; c < Math.min(channels, inChannels); c++) {
    data[((c * inChannels + c) * size + r) * size + r] = diagonal;
  }
  return { outChannels: channels, inChannels, size, data };
}

/** True when every coefficient is zero. */
export function isZeroTemplate(t: Template): boolean {
  return t.data.every((v) => v === 0);
}

/**
 * Reads a template from nested arrays. Accepts [o][i][k][l] or, for one channel, [k][l].
 * `field` names the JSON path for error messages.
 */
export function templateFromNested(value: unknown, field: string): Template {
  if (isMatrix(value)) return templateFromNested([[value]], field);
  if (!Array.isArray(value) || value.length === 0 || !value.every((o) => Array.isArray(o))) {
    throw new ValidationError(
      field,
      "not a nested array",
      "a k×k array (one channel) or a C_out×C_in×k×k array of numbers, k odd",
    );
  }
  const outChannels = value.length;
  const inChannels = (value[0] as unknown[]).length;
  const first = (value[0] as unknown[])[0];
  const size = Array.isArray(first) ? first.length : 0;
  if (size % 2 !== 1) {
    throw new ValidationError(
      `${field}[0][0]`,
      `template size ${size} is even or zero`,
      "an odd size k (3, 5, 7, …)",
    );
  }
  const data = new Float64Array(outChannels * inChannels * size * size);
  value.forEach((row: unknown[], o) => {
    if (row.length !== inChannels) {
      throw new ValidationError(
        `${field}[${o}]`,
        `has ${row.length} input channels, [0] has ${inChannels}`,
        "the same number for every output channel",
      );
    }
    row.forEach((m, i) => {
      const path = `${field}[${o}][${i}]`;
      if (!isMatrix(m) || m.length !== size || m.some((r) => r.length !== size)) {
        throw new ValidationError(
          path,
          "not a square matrix of the template size",
          `a ${size}×${size} array of finite numbers`,
        );
      }
      m.forEach((r, k) => {
        r.forEach((v, l) => {
          data[((o * inChannels + i) * size + k) * size + l] = v;
        });
      });
    });
  });
  return { outChannels, inChannels, size, data };
}

/** Nested arrays [o][i][k][l] (for JSON output). */
export function templateToNested(t: Template): number[][][][] {
  const out: number[][][][] = [];
  for (let o = 0; o < t.outChannels; o++) {
    const oi: number[][][] = [];
    for (let i = 0; i < t.inChannels; i++) {
      const m: number[][] = [];
      for (let k = 0; k < t.size; k++) {
        const r: number[] = [];
        for (let l = 0; l < t.size; l++) r.push(templateAt(t, o, i, k, l));
        m.push(r);
      }
      oi.push(m);
    }
    out.push(oi);
  }
  return out;
}

function isMatrix(v: unknown): v is number[][] {
  return (
    Array.isArray(v) &&
    v.length > 0 &&
    v.every((r) => Array.isArray(r) && r.every((x) => typeof x === "number" && Number.isFinite(x)))
  );
}
