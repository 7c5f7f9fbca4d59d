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

/** The fields of a tensor entry in the header (the safetensors format has exactly these). */
const ENTRY_FIELDS = ["dtype", "shape", "data_offsets"];

/**
 * Parses a safetensors file. Every malformed header or entry is a ValidationError whose field
 * names the file and the entry (`model.safetensors:conv.weight.data_offsets`), checked before
 * anything is allocated: a tensor's bytes must lie inside the file.
 */
export function parseSafetensors(
  bytes: Uint8Array,
  source = "safetensors file",
): { tensors: Map<string, Tensor>; metadata: Record<string, string> } {
  // The field is the file; the problem names the tensor and its entry ("tensor b: shape …").
  const fail = (problem: string, tensor?: string, key?: string): never => {
    const what =
      tensor === undefined ? "" : `tensor ${tensor}${key === undefined ? "" : ` ${key}`}: `;
    throw new ValidationError(
      source,
      `${what}${problem}`,
      "a safetensors file (8-byte header length, JSON header, little-endian data)",
    );
  };
  if (bytes.length < 8) fail(`only ${bytes.length} bytes`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const declared = view.getBigUint64(0, true);
  if (!(declared > 1n && 8n + declared <= BigInt(bytes.length)))
    fail(`header length ${declared} does not fit in ${bytes.length} bytes`);
  const headerLength = Number(declared);
  let parsed: unknown;
  try {
    parsed = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + headerLength)));
  } catch (e) {
    return fail(`header is not JSON (${(e as Error).message})`);
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    fail(
      `header is ${parsed === null ? "null" : Array.isArray(parsed) ? "an array" : typeof parsed}, not a JSON object`,
    );
  }
  const header = parsed as Record<string, unknown>;
  const dataStart = 8 + headerLength;
  const dataBytes = bytes.length - dataStart;
  const tensors = new Map<string, Tensor>();
  let metadata: Record<string, string> = {};
  for (const [name, entry] of Object.entries(header)) {
    if (name === "__metadata__") {
      metadata = readMetadata(entry, (problem) => fail(problem, "__metadata__"));
      continue;
    }
    if (typeof entry !== "object" || entry === null || Array.isArray(entry)) {
      fail(`got ${entry === null ? "null" : JSON.stringify(entry)}, not an object`, name);
    }
    const e = entry as Record<string, unknown>;
    const extra = Object.keys(e).find((k) => !ENTRY_FIELDS.includes(k));
    if (extra !== undefined)
      fail(
        `unknown field ${JSON.stringify(extra)} (an entry has dtype, shape, data_offsets)`,
        name,
      );
    const dtype = e.dtype;
    const size = typeof dtype === "string" && Object.hasOwn(BYTES, dtype) ? BYTES[dtype] : 0;
    if (!size) {
      fail(
        `unsupported dtype ${JSON.stringify(dtype)} (supported: ${Object.keys(BYTES).join(", ")})`,
        name,
        "dtype",
      );
    }
    const shape = e.shape;
    if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
      fail(`got ${JSON.stringify(shape)}, not a list of integers ≥ 0`, name, "shape");
    }
    const offsets = e.data_offsets;
    if (
      !Array.isArray(offsets) ||
      offsets.length !== 2 ||
      !offsets.every((o) => Number.isSafeInteger(o) && o >= 0) ||
      offsets[0] > offsets[1]
    ) {
      fail(
        `got ${JSON.stringify(offsets)}, not two integers 0 ≤ begin ≤ end`,
        name,
        "data_offsets",
      );
    }
    const dims = shape as number[];
    const [begin, end] = offsets as [number, number];
    const count = dims.reduce((a, b) => a * b, 1);
    if (!(Number.isSafeInteger(count) && end - begin === count * size && end <= dataBytes)) {
      fail(
        `offsets [${begin}, ${end}) do not hold ${count} × ${dtype} (${count * size} bytes) inside the ${dataBytes} data bytes`,
        name,
      );
    }
    tensors.set(name, {
      dtype: dtype as string,
      shape: dims,
      data: decode(view, dataStart + begin, count, dtype as string, size),
    });
  }
  return { tensors, metadata };
}

function readMetadata(entry: unknown, fail: (problem: string) => never): Record<string, string> {
  if (typeof entry !== "object" || entry === null || Array.isArray(entry)) {
    fail(`got ${JSON.stringify(entry)}, not an object of strings`);
  }
  for (const [k, v] of Object.entries(entry as object)) {
    if (typeof v !== "string") fail(`${k}: got ${JSON.stringify(v)}, not a string`);
  }
  return entry as Record<string, string>;
}

function decode(
  view: DataView,
  at: number,
  count: number,
  dtype: string,
  size: number,
): Float64Array {
  const data = new Float64Array(count);
  for (let k = 0; k < count; k++) {
    const o = at + k * size;
    switch (dtype) {
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
  return data;
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
