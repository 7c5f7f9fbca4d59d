import { taps3x3Simd } from "./taps3x3Simd.js";

/** Slack after each region: the SIMD kernels' odd last column reads one value past it. */
const SLACK_BYTES = 16;

const alignTo16 = (bytes: number) => (bytes + 15) & ~15;

/**
 * One call's working set in the SIMD module's memory: the template's coefficients, the padded
 * field and the output, each a Float64Array view at a byte address (coefAt, paddedAt, outAt)
 * that the kernels take. Valid until the next stage3x3 call (the memory may grow and move).
 */
export interface Stage3x3 {
  readonly coef: Float64Array;
  readonly padded: Float64Array;
  readonly out: Float64Array;
  readonly coefAt: number;
  readonly paddedAt: number;
  readonly outAt: number;
}

/** Lays out coefficients, padded field and output (lengths in values), growing the memory if needed. */
export function stage3x3(coefLength: number, paddedLength: number, outLength: number): Stage3x3 {
  const simd = taps3x3Simd();
  if (simd === null) throw new Error("stage3x3: WebAssembly SIMD is not available");
  const coefAt = 0;
  const paddedAt = alignTo16(coefAt + 8 * coefLength + SLACK_BYTES);
  const outAt = alignTo16(paddedAt + 8 * paddedLength + SLACK_BYTES);
  const end = outAt + 8 * outLength + SLACK_BYTES;
  const memory = simd.memory;
  if (memory.buffer.byteLength < end)
    memory.grow(Math.ceil((end - memory.buffer.byteLength) / 65536));
  const buffer = memory.buffer;
  return {
    coef: new Float64Array(buffer, coefAt, coefLength),
    padded: new Float64Array(buffer, paddedAt, paddedLength),
    out: new Float64Array(buffer, outAt, outLength),
    coefAt,
    paddedAt,
    outAt,
  };
}
