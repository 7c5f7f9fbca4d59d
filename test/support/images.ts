import { type Image, parseTextImage } from "../../src/cells/image.js";

export type { Image };

/** An image from rows of '#' (black, +1) and '.' (white, −1). */
export function picture(rows: string[]): Image {
  return parseTextImage(rows.join("\n"));
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
