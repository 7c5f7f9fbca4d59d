/**
 * Memristor switching events. Where a memristor switches abruptly, the instant it switches is
 * ill-conditioned (DESIGN.md 2.1): two correct solvers place it a little apart, and the states
 * near that instant then differ by the jump times the offset. Co-simulation therefore compares
 * switching times for such cells, and states away from the events.
 */
export interface SwitchEvent {
  cell: number;
  /** First time (τ) w crosses the threshold, linearly located between report times; null if never. */
  a: number | null;
  b: number | null;
}

/** First crossing of `threshold` by each cell's w (nt × cells, row-major) in either direction. */
export function firstCrossings(
  t: ArrayLike<number>,
  w: Float64Array,
  cells: number,
  threshold: number,
): (number | null)[] {
  const out: (number | null)[] = [];
  for (let p = 0; p < cells; p++) {
    let found: number | null = null;
    const side0 = Math.sign(w[p] - threshold);
    for (let k = 1; k < t.length && found === null; k++) {
      const prev = w[(k - 1) * cells + p] - threshold;
      const cur = w[k * cells + p] - threshold;
      if (side0 !== 0 && Math.sign(cur) !== side0 && cur !== 0) {
        found = t[k - 1] + (prev / (prev - cur)) * (t[k] - t[k - 1]);
      } else if (cur === 0 && side0 !== 0) {
        found = t[k];
      }
    }
    out.push(found);
  }
  return out;
}

/** Pairs the crossings of two engines; the largest |Δt| over cells where both switch. */
export function compareSwitching(
  t: ArrayLike<number>,
  wa: Float64Array,
  wb: Float64Array,
  cells: number,
  threshold: number,
): { events: SwitchEvent[]; maxDelta: number; mismatched: number[] } {
  const a = firstCrossings(t, wa, cells, threshold);
  const b = firstCrossings(t, wb, cells, threshold);
  const events: SwitchEvent[] = [];
  const mismatched: number[] = [];
  let maxDelta = 0;
  for (let p = 0; p < cells; p++) {
    if (a[p] === null && b[p] === null) continue;
    events.push({ cell: p, a: a[p], b: b[p] });
    if (a[p] === null || b[p] === null) mismatched.push(p);
    else maxDelta = Math.max(maxDelta, Math.abs((a[p] as number) - (b[p] as number)));
  }
  return { events, maxDelta, mismatched };
}
