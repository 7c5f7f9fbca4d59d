/**
 * Images for `cellspice templates <name> --image FILE`, in the CNN convention (black = +1,
 * white = −1): PBM (P1 plain or P4 binary, 1 = black), plain PGM (P2, gray g ↦ 1 − 2g/max),
 * JSON (a rows×cols array of numbers, or {"rows", "cols", "data"}), or text rows of '#' (black)
 * and '.' (white).
 */
import { type Image, parseTextImage } from "../cells/image.js";
import { ValidationError } from "../core/errors.js";

export type { Image };
export { parseTextImage };

export function parseImage(bytes: Uint8Array, source: string): Image {
  const head = new TextDecoder().decode(bytes.subarray(0, 2));
  if (head === "P4") return parseBinaryPbm(bytes, source);
  const text = new TextDecoder().decode(bytes);
  const trimmed = text.trimStart();
  if (head === "P1" || head === "P2") return parseNetpbm(text, source);
  if (trimmed.startsWith("[") || trimmed.startsWith("{")) return parseJsonImage(trimmed, source);
  return parseTextImage(text, source);
}

function parseJsonImage(text: string, source: string): Image {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (e) {
    throw new ValidationError(
      source,
      `malformed JSON (${(e as Error).message})`,
      "a rows×cols array of numbers",
    );
  }
  const obj = v as { rows?: unknown; cols?: unknown; data?: unknown; image?: unknown };
  if (!Array.isArray(v) && Array.isArray(obj.image))
    return parseJsonImage(JSON.stringify(obj.image), source);
  if (
    !Array.isArray(v) &&
    typeof obj.rows === "number" &&
    typeof obj.cols === "number" &&
    Array.isArray(obj.data)
  ) {
    const data = obj.data.flat();
    if (data.length !== obj.rows * obj.cols) {
      throw new ValidationError(
        `${source}.data`,
        `has ${data.length} values`,
        `rows×cols = ${obj.rows * obj.cols} numbers`,
      );
    }
    return checked(
      { rows: obj.rows, cols: obj.cols, data: Float64Array.from(data as number[]) },
      source,
    );
  }
  if (!Array.isArray(v) || v.length === 0 || !v.every((r) => Array.isArray(r))) {
    throw new ValidationError(
      source,
      "not a nested array",
      'a rows×cols array of numbers in [−1, 1], or {"rows", "cols", "data"}',
    );
  }
  const rows = v as unknown[][];
  const cols = rows[0].length;
  rows.forEach((r, i) => {
    if (r.length !== cols)
      throw new ValidationError(
        `${source}[${i}]`,
        `has ${r.length} values, [0] has ${cols}`,
        "rows of equal length",
      );
  });
  return checked(
    { rows: rows.length, cols, data: Float64Array.from(rows.flat() as number[]) },
    source,
  );
}

function checked(im: Image, source: string): Image {
  if (!(Number.isInteger(im.rows) && im.rows > 0 && Number.isInteger(im.cols) && im.cols > 0)) {
    throw new ValidationError(
      source,
      `size ${im.rows}×${im.cols}`,
      "positive integer rows and cols",
    );
  }
  im.data.forEach((x, k) => {
    if (!Number.isFinite(x))
      throw new ValidationError(
        `${source}[${k}]`,
        `got ${x}`,
        "finite numbers (black = +1, white = −1)",
      );
  });
  return im;
}

/** Plain PBM (P1) and PGM (P2): whitespace-separated tokens, '#' comments. */
function parseNetpbm(text: string, source: string): Image {
  const magic = text.slice(0, 2);
  const body = text.slice(2).replace(/#[^\n]*/g, " ");
  const tokens = body.split(/\s+/).filter((s) => s !== "");
  const cols = Number(tokens[0]);
  const rows = Number(tokens[1]);
  if (!(Number.isInteger(rows) && rows > 0 && Number.isInteger(cols) && cols > 0)) {
    throw new ValidationError(
      `${source} header`,
      `size ${tokens[0]}×${tokens[1]}`,
      "width and height as positive integers",
    );
  }
  const n = rows * cols;
  const data = new Float64Array(n);
  if (magic === "P1") {
    // Plain PBM bits need no separating whitespace.
    const bits = tokens.slice(2).join("");
    if (bits.length !== n || /[^01]/.test(bits)) {
      throw new ValidationError(
        `${source} pixels`,
        `${bits.length} pixel digits`,
        `${n} digits 0 (white) or 1 (black)`,
      );
    }
    for (let k = 0; k < n; k++) data[k] = bits[k] === "1" ? 1 : -1;
    return { rows, cols, data };
  }
  const max = Number(tokens[2]);
  const values = tokens.slice(3).map(Number);
  if (
    !(Number.isInteger(max) && max > 0) ||
    values.length !== n ||
    values.some((g) => !(g >= 0 && g <= max))
  ) {
    throw new ValidationError(
      `${source} pixels`,
      `${values.length} gray values (max ${tokens[2]})`,
      `${n} integers in [0, max]`,
    );
  }
  values.forEach((g, k) => {
    data[k] = 1 - (2 * g) / max;
  });
  return { rows, cols, data };
}

/** Binary PBM (P4): header text, then rows packed 8 pixels a byte, MSB first, 1 = black. */
function parseBinaryPbm(bytes: Uint8Array, source: string): Image {
  let pos = 2;
  const fields: number[] = [];
  while (fields.length < 2 && pos < bytes.length) {
    const ch = bytes[pos];
    if (ch === 0x23) {
      while (pos < bytes.length && bytes[pos] !== 0x0a) pos++;
    } else if (ch >= 0x30 && ch <= 0x39) {
      let v = 0;
      while (pos < bytes.length && bytes[pos] >= 0x30 && bytes[pos] <= 0x39)
        v = v * 10 + bytes[pos++] - 0x30;
      fields.push(v);
      continue;
    }
    pos++;
  }
  pos++; // the single whitespace byte before the raster
  const [cols, rows] = fields;
  const stride = Math.ceil((cols ?? 0) / 8);
  if (!(rows > 0 && cols > 0) || bytes.length < pos + rows * stride) {
    throw new ValidationError(
      source,
      `truncated P4 image (${bytes.length} bytes)`,
      "a complete binary PBM file",
    );
  }
  const data = new Float64Array(rows * cols);
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) {
      const bit = (bytes[pos + i * stride + (j >> 3)] >> (7 - (j & 7))) & 1;
      data[i * cols + j] = bit ? 1 : -1;
    }
  }
  return { rows, cols, data };
}
