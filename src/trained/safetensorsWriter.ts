import { randomBytes } from "node:crypto";
import { promises as fs } from "node:fs";
import { basename, dirname, join } from "node:path";
import { ValidationError } from "../core/errors.js";

/**
 * A writer of the safetensors format (the reader is safetensors.ts): an 8-byte little-endian
 * header length N, N bytes of JSON {name: {dtype, shape, data_offsets}} padded with spaces to a
 * multiple of 8, then the little-endian data of each tensor in the order given. F32 and F64
 * values are rounded to their type; I64 values must be integers within ±2^53.
 */
export interface TensorToWrite {
  readonly name: string;
  readonly dtype: "F32" | "F64" | "I64";
  readonly shape: readonly number[];
  readonly data: ArrayLike<number>;
}

const BYTES = { F32: 4, F64: 8, I64: 8 } as const;

/** The file's bytes. */
export function encodeSafetensors(
  tensors: readonly TensorToWrite[],
  metadata?: Record<string, string>,
): Uint8Array {
  const header: Record<string, unknown> = {};
  if (metadata) header.__metadata__ = metadata;
  let offset = 0;
  for (const t of tensors) {
    if (t.name === "__metadata__" || t.name in header)
      throw new ValidationError(
        `tensors.${t.name}`,
        "is a duplicate or reserved name",
        "unique tensor names",
      );
    if (!t.shape.every((d) => Number.isInteger(d) && d >= 0))
      throw new ValidationError(`tensors.${t.name}.shape`, `[${t.shape}]`, "non-negative integers");
    const count = t.shape.reduce((a, b) => a * b, 1);
    if (t.data.length !== count)
      throw new ValidationError(
        `tensors.${t.name}`,
        `${t.data.length} values`,
        `${count} for shape [${t.shape}]`,
      );
    const size = count * BYTES[t.dtype];
    header[t.name] = { dtype: t.dtype, shape: [...t.shape], data_offsets: [offset, offset + size] };
    offset += size;
  }
  let json = JSON.stringify(header);
  json += " ".repeat((8 - ((Buffer.byteLength(json) + 8) % 8)) % 8);
  const head = new TextEncoder().encode(json);
  const bytes = new Uint8Array(8 + head.length + offset);
  const view = new DataView(bytes.buffer);
  view.setBigUint64(0, BigInt(head.length), true);
  bytes.set(head, 8);
  let at = 8 + head.length;
  for (const t of tensors) {
    for (let k = 0; k < t.data.length; k++) {
      const v = t.data[k];
      if (t.dtype === "F32") view.setFloat32(at, v, true);
      else if (t.dtype === "F64") view.setFloat64(at, v, true);
      else {
        if (!Number.isSafeInteger(v))
          throw new ValidationError(`tensors.${t.name}[${k}]`, `${v}`, "an integer within ±2^53");
        view.setBigInt64(at, BigInt(v), true);
      }
      at += BYTES[t.dtype];
    }
  }
  return bytes;
}

/**
 * Writes a safetensors file atomically: to a temporary name beside `path`, then renamed over it,
 * so that a reader never sees half a file. Creates the parent directory.
 */
export async function writeSafetensors(
  path: string,
  tensors: readonly TensorToWrite[],
  metadata?: Record<string, string>,
): Promise<void> {
  const bytes = encodeSafetensors(tensors, metadata);
  const dir = dirname(path);
  await fs.mkdir(dir, { recursive: true });
  const tmp = join(dir, `.${basename(path)}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`);
  try {
    await fs.writeFile(tmp, bytes);
    await fs.rename(tmp, path);
  } finally {
    await fs.rm(tmp, { force: true });
  }
}
