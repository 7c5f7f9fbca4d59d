import type { Tensor } from "../../src/trained/safetensors.js";

/** A safetensors file (F32 or F64 tensors) from tensors and metadata: the test's own writer. */
export function safetensorsBytes(
  tensors: Map<string, Tensor>,
  metadata?: Record<string, string>,
): Uint8Array {
  const header: Record<string, unknown> = metadata ? { __metadata__: metadata } : {};
  let offset = 0;
  for (const [name, t] of tensors) {
    const size = (t.dtype === "F64" ? 8 : 4) * t.data.length;
    header[name] = { dtype: t.dtype, shape: t.shape, data_offsets: [offset, offset + size] };
    offset += size;
  }
  const json = new TextEncoder().encode(JSON.stringify(header));
  const out = new Uint8Array(8 + json.length + offset);
  const view = new DataView(out.buffer);
  view.setBigUint64(0, BigInt(json.length), true);
  out.set(json, 8);
  let at = 8 + json.length;
  for (const t of tensors.values())
    for (const v of t.data) {
      if (t.dtype === "F64") view.setFloat64(at, v, true);
      else view.setFloat32(at, v, true);
      at += t.dtype === "F64" ? 8 : 4;
    }
  return out;
}
