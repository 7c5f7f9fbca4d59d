/** Slack after each region: the SIMD kernels' odd last column reads one value past it. */
const SLACK_BYTES = 16;

const alignTo16 = (bytes: number) => (bytes + 15) & ~15;

/**
 * Float64Array regions of the given lengths (in values) laid out one after another in `memory`
 * from byte 0, each 16-byte aligned and followed by 16 bytes of slack (what the SIMD kernels
 * need), the memory grown if it is too small. Without a memory (no WebAssembly SIMD), plain
 * arrays of the same lengths. The views are valid until the memory grows again.
 */
export function kernelRegions(
  memory: WebAssembly.Memory | null,
  lengths: readonly number[],
): Float64Array[] {
  if (memory === null) return lengths.map((n) => new Float64Array(n));
  const at: number[] = [];
  let end = 0;
  for (const n of lengths) {
    at.push(end);
    end = alignTo16(end + 8 * n + SLACK_BYTES);
  }
  if (memory.buffer.byteLength < end)
    memory.grow(Math.ceil((end - memory.buffer.byteLength) / 65536));
  const buffer = memory.buffer;
  return lengths.map((n, r) => new Float64Array(buffer, at[r], n));
}
