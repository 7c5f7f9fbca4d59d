import { ValidationError } from "../core/errors.js";

/** A binary or gray image in the CNN convention of the classic templates. */
export interface Image {
  rows: number;
  cols: number;
  /** Row-major, +1 black, −1 white. */
  data: Float64Array;
}

/** Rows of '#' (black, +1) and '.' (white, −1); blank lines are skipped. */
export function parseTextImage(text: string, source = "image"): Image {
  const lines = text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== "");
  if (lines.length === 0)
    throw new ValidationError(source, "empty image", "rows of '#' (black) and '.' (white)");
  const cols = lines[0].length;
  const data = new Float64Array(lines.length * cols);
  lines.forEach((line, i) => {
    if (line.length !== cols) {
      throw new ValidationError(
        `${source} row ${i + 1}`,
        `has ${line.length} characters, row 1 has ${cols}`,
        "rows of equal length",
      );
    }
    for (let j = 0; j < cols; j++) {
      const ch = line[j];
      if (ch !== "#" && ch !== ".") {
        throw new ValidationError(
          `${source} row ${i + 1}, column ${j + 1}`,
          `character ${JSON.stringify(ch)}`,
          "'#' (black) or '.' (white)",
        );
      }
      data[i * cols + j] = ch === "#" ? 1 : -1;
    }
  });
  return { rows: lines.length, cols, data };
}
