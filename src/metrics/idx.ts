import { readFileSync } from "node:fs";
import { gunzipSync } from "node:zlib";
import { ValidationError } from "../core/errors.js";

/**
 * The IDX format of the MNIST files (LeCun et al.): a big-endian header — two zero bytes, a type
 * code (0x08 = unsigned byte), the number of dimensions — then each dimension as a 32-bit
 * big-endian integer, then the values in row-major order. Only unsigned-byte files are read
 * (every MNIST file is one).
 */
export interface IdxArray {
  readonly dims: readonly number[];
  readonly data: Uint8Array;
}

const VALID =
  "an IDX file of unsigned bytes (magic 0x0000 0x08 ndim, big-endian dims, then the values)";

/** Parses the bytes of an IDX file; `source` names it in errors. */
export function parseIdx(bytes: Uint8Array, source: string): IdxArray {
  const fail = (problem: string): never => {
    throw new ValidationError(source, problem, VALID);
  };
  if (bytes.length < 4) fail(`only ${bytes.length} bytes`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const zero = view.getUint16(0);
  const type = bytes[2];
  const ndim = bytes[3];
  if (zero !== 0 || type !== 0x08)
    fail(`magic ${hex(zero, 4)} ${hex(type, 2)} is not 0x0000 0x08 (unsigned bytes)`);
  if (ndim < 1) fail("0 dimensions");
  const headerLength = 4 + 4 * ndim;
  if (bytes.length < headerLength) fail(`header of ${ndim} dimensions is cut short`);
  const dims: number[] = [];
  for (let k = 0; k < ndim; k++) dims.push(view.getUint32(4 + 4 * k));
  const count = dims.reduce((a, b) => a * b, 1);
  if (bytes.length - headerLength !== count)
    fail(
      `${bytes.length - headerLength} values, the header's dims [${dims.join(", ")}] say ${count}`,
    );
  return { dims, data: bytes.subarray(headerLength) };
}

/** Reads an IDX file, gunzipping it first when its name ends in `.gz`. */
export function readIdx(path: string): IdxArray {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? String(e);
    throw new ValidationError(path, `cannot read (${code})`, VALID);
  }
  if (path.endsWith(".gz")) {
    try {
      bytes = gunzipSync(bytes);
    } catch (e) {
      throw new ValidationError(
        path,
        `is not gzip data (${(e as Error).message})`,
        `${VALID}, gzipped`,
      );
    }
  }
  return parseIdx(bytes, path);
}

function hex(v: number, digits: number): string {
  return `0x${v.toString(16).padStart(digits, "0")}`;
}
