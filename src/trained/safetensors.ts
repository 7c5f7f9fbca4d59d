import { ValidationError } from "../core/errors.js";

/**
 * A reader of the safetensors format (the tensors of a trained UNet export, docs/export-format.md):
 * an 8-byte little-endian header length N, N bytes of JSON {name: {dtype, shape, data_offsets}},
 * then the raw little-endian data. Values come back as Float64Array whatever the stored dtype.
 */
export interface Tensor {
  dtype: string;
  shape: number[];
  data: Float64Array;
}

const BYTES: Record<string, number> = {
  F64: 8,
  F32: 4,
  F16: 2,
  I64: 8,
  I32: 4,
  I16: 2,
  I8: 1,
  U8: 1,
};

export function parseSafetensors(
  bytes: Uint8Array,
  source = "safetensors file",
): { tensors: Map<string, Tensor>; metadata: Record<string, string> } {
  const fail = (problem: string): never => {
    throw new ValidationError(
      source,
      problem,
      "a safetensors file (8-byte header length, JSON header, little-endian data)",
    );
  };
  if (bytes.length < 8) fail(`only ${bytes.length} bytes`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = Number(view.getBigUint64(0, true));
  if (!(headerLength > 1 && 8 + headerLength <= bytes.length))
    fail(`header length ${headerLength} does not fit in ${bytes.length} bytes`);
  let header: Record<string, unknown>;
  try {
    header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + headerLength)));
  } catch (e) {
    return fail(`header is not JSON (${(e as Error).message})`);
  }
  const dataStart = 8 + headerLength;
  const tensors = new Map<string, Tensor>();
  let metadata: Record<string, string> = {};
  for (const [name, entry] of Object.entries(header)) {
    if (name === "__metadata__") {
      metadata = entry as Record<string, string>;
      continue;
    }
    const e = entry as { dtype?: string; shape?: number[]; data_offsets?: [number, number] };
    const size = BYTES[e.dtype ?? ""];
    if (!size) fail(`tensor ${name}: unsupported dtype ${JSON.stringify(e.dtype)}`);
    if (!Array.isArray(e.shape) || !Array.isArray(e.data_offsets))
      fail(`tensor ${name}: missing shape or data_offsets`);
    const count = (e.shape as number[]).reduce((a, b) => a * b, 1);
    const [begin, end] = e.data_offsets as [number, number];
    if (end - begin !== count * size || dataStart + end > bytes.length || begin < 0) {
      fail(
        `tensor ${name}: offsets [${begin}, ${end}) do not hold ${count} × ${e.dtype} inside the file`,
      );
    }
    const data = new Float64Array(count);
    const at = dataStart + begin;
    for (let k = 0; k < count; k++) {
      const o = at + k * size;
      switch (e.dtype) {
        case "F64":
          data[k] = view.getFloat64(o, true);
          break;
        case "F32":
          data[k] = view.getFloat32(o, true);
          break;
        case "F16":
          data[k] = half(view.getUint16(o, true));
          break;
        case "I64":
          data[k] = Number(view.getBigInt64(o, true));
          break;
        case "I32":
          data[k] = view.getInt32(o, true);
          break;
        case "I16":
          data[k] = view.getInt16(o, true);
          break;
        case "I8":
          data[k] = view.getInt8(o);
          break;
        default:
          data[k] = view.getUint8(o);
      }
    }
    tensors.set(name, { dtype: e.dtype as string, shape: e.shape as number[], data });
  }
  return { tensors, metadata };
}

/** IEEE 754 half precision → number. */
function half(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const frac = h & 0x3ff;
  if (exp === 0) return sign * 2 ** -14 * (frac / 1024);
  if (exp === 31) return frac ? Number.NaN : sign * Number.POSITIVE_INFINITY;
  return sign * 2 ** (exp - 15) * (1 + frac / 1024);
}
