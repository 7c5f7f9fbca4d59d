/** Slack after each region: the SIMD kernels' odd last column reads one value past it. */
const SLACK_BYTES = 16;

const alignTo16 = (bytes: number) => (bytes + 15) & ~15;

/**
 * Byte addresses of regions of the given sizes in bytes laid out one after another from byte 0,
 * each 16-byte aligned and followed by 16 bytes of slack (what the SIMD kernels need), `memory`
 * grown if it is too small.
 */
function layout(memory: WebAssembly.Memory, bytes: readonly number[]) {
  const at: number[] = [];
  let end = 0;
  for (const b of bytes) {
    at.push(end);
    end = alignTo16(end + b + SLACK_BYTES);
  }
  if (memory.buffer.byteLength < end)
    memory.grow(Math.ceil((end - memory.buffer.byteLength) / 65536));
  return at;
}

/** One region of mixedRegions: its length in values, float32 or float64. */
export interface RegionSpec {
  readonly length: number;
  readonly float32?: boolean;
}

/** The view type of each RegionSpec. */
type RegionView<S extends RegionSpec> = S extends { float32: true } ? Float32Array : Float64Array;

/**
 * Regions of float64 and float32 values in `memory`, laid out for the SIMD kernels (16-byte
 * aligned, 16 bytes of slack after each), in the order given. The views are valid until the
 * memory grows again.
 */
export function mixedRegions<const S extends readonly RegionSpec[]>(
  memory: WebAssembly.Memory,
  specs: S,
): { [K in keyof S]: RegionView<S[K]> } {
  const at = layout(
    memory,
    specs.map((r) => (r.float32 === true ? 4 : 8) * r.length),
  );
  return specs.map((r, i) =>
    r.float32 === true
      ? new Float32Array(memory.buffer, at[i], r.length)
      : new Float64Array(memory.buffer, at[i], r.length),
  ) as { [K in keyof S]: RegionView<S[K]> };
}

/**
 * Float64Array regions of the given lengths (in values) in `memory`, laid out for the SIMD
 * kernels (16-byte aligned, 16 bytes of slack after each). Without a memory (no WebAssembly
 * SIMD), plain arrays of the same lengths. The views are valid until the memory grows again.
 */
export function kernelRegions(
  memory: WebAssembly.Memory | null,
  lengths: readonly number[],
): Float64Array[] {
  if (memory === null) return lengths.map((n) => new Float64Array(n));
  const at = layout(
    memory,
    lengths.map((n) => 8 * n),
  );
  return lengths.map((n, r) => new Float64Array(memory.buffer, at[r], n));
}

/** kernelRegions for the float32 kernels: Float32Array regions in `memory`. */
export function kernelRegionsF32(
  memory: WebAssembly.Memory,
  lengths: readonly number[],
): Float32Array[] {
  const at = layout(
    memory,
    lengths.map((n) => 4 * n),
  );
  return lengths.map((n, r) => new Float32Array(memory.buffer, at[r], n));
}
