/** Small binary test images (+1 black, −1 white), row-major. */
export interface Image {
  rows: number;
  cols: number;
  data: Float64Array;
}

/** Parses rows of '#' (black) and '.' (white). */
export function picture(rows: string[]): Image {
  const data = Float64Array.from(rows.join("").split(""), (ch) => (ch === "#" ? 1 : -1));
  return { rows: rows.length, cols: rows[0].length, data };
}

/** The sign pattern of a field as '#'/'.' rows, for readable assertions. */
export function toPicture(field: ArrayLike<number>, rows: number, cols: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < rows; i++) {
    let line = "";
    for (let j = 0; j < cols; j++) line += field[i * cols + j] > 0 ? "#" : ".";
    out.push(line);
  }
  return out;
}
