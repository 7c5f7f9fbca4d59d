import { join } from "node:path";
import { writeFileAtomic } from "./atomicWrite.js";
import type { StaticFigure } from "./figures.js";

/** Writes each figure's SVG into `dir` (created if needed) under its file name; returns the paths. */
export async function writeFigures(
  dir: string,
  figures: readonly StaticFigure[],
): Promise<string[]> {
  const paths: string[] = [];
  for (const f of figures) {
    const path = join(dir, f.file);
    await writeFileAtomic(path, f.svg);
    paths.push(path);
  }
  return paths;
}
