/**
 * Unknown fields are refused, with a did-you-mean: a typo (`temlpates`, `scales.tua`) must not
 * silently fall back to a default. Used by every versioned input format (array files, exports,
 * hardware profiles, sweep specs).
 */
import { ValidationError } from "./errors.js";

/**
 * Optimal string alignment distance (Levenshtein with adjacent transpositions), case-blind:
 * `tua` → `tau` is 1, `temlpates` → `templates` is 1.
 */
export function editDistance(a: string, b: string): number {
  const s = a.toLowerCase();
  const t = b.toLowerCase();
  const d: number[][] = Array.from({ length: s.length + 1 }, (_, i) =>
    Array.from({ length: t.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  for (let i = 1; i <= s.length; i++) {
    for (let j = 1; j <= t.length; j++) {
      const cost = s[i - 1] === t[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && s[i - 1] === t[j - 2] && s[i - 2] === t[j - 1]) {
        d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
      }
    }
  }
  return d[s.length][t.length];
}

/**
 * The candidate closest to `name` when it is close enough to be a typo (distance ≤ 1 for names
 * of up to 4 letters, ≤ 2 up to 8, else ≤ 3), else undefined. Ties go to the first candidate.
 */
export function didYouMean(name: string, candidates: readonly string[]): string | undefined {
  const limit = name.length <= 4 ? 1 : name.length <= 8 ? 2 : 3;
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const c of candidates) {
    const dist = editDistance(name, c);
    if (dist < bestDistance) {
      best = c;
      bestDistance = dist;
    }
  }
  return bestDistance <= limit ? best : undefined;
}

/**
 * Throws ValidationError for the first key of `obj` not in `known`. `path` is the object's own
 * field path ("" for the root, "scales", "cell_layers[2].cell"); the error names
 * `path.key`, suggests the closest known name and lists them all.
 */
export function rejectUnknownFields(
  obj: Readonly<Record<string, unknown>>,
  known: readonly string[],
  path = "",
): void {
  for (const key of Object.keys(obj)) {
    if (known.includes(key)) continue;
    const guess = didYouMean(key, known);
    throw new ValidationError(
      path ? `${path}.${key}` : key,
      `unknown field ${JSON.stringify(key)}${guess === undefined ? "" : ` (did you mean ${JSON.stringify(guess)}?)`}`,
      `the fields ${known.map((k) => JSON.stringify(k)).join(", ")}`,
      guess === undefined ? {} : { suggestion: guess },
    );
  }
}
