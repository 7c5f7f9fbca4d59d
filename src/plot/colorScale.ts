import { interpolateRdBu, interpolateViridis } from "d3";
import { ValidationError } from "../core/errors.js";
import { finiteExtent, type Samples } from "./data.js";

/**
 * A colour scale for a field: "diverging" (red = positive, blue = negative, white = 0, domain
 * symmetric around 0) for states, "sequential" (viridis, optionally logarithmic) for magnitudes
 * such as errors. `t(v)` maps a value to [0, 1] along the colour ramp, `color(v)` to a colour.
 */
export interface ColorScale {
  readonly kind: "diverging" | "sequential";
  readonly log: boolean;
  readonly domain: readonly [number, number];
  t(v: number): number;
  color(v: number): string;
  /** The colour at ramp position s ∈ [0, 1]. */
  ramp(s: number): string;
}

export interface ColorScaleOptions {
  readonly kind: "diverging" | "sequential";
  /** Logarithmic (sequential only): values ≤ 0 are drawn at the lower end. */
  readonly log?: boolean;
  /** Fixed domain; diverging domains are made symmetric: [−m, m] with m = max |end|. */
  readonly domain?: readonly [number, number];
}

const clamp01 = (s: number) => Math.max(0, Math.min(1, s));

/** Builds the scale for `values` (ignored where `o.domain` is given). */
export function colorScale(values: readonly Samples[], o: ColorScaleOptions): ColorScale {
  if (o.kind === "diverging") {
    if (o.log)
      throw new ValidationError(
        "log",
        "a diverging scale cannot be logarithmic",
        "log with sequential",
      );
    const ext = o.domain ?? finiteExtent(values) ?? [-1, 1];
    const m0 = Math.max(Math.abs(ext[0]), Math.abs(ext[1]));
    const m = m0 > 0 ? m0 : 1;
    const ramp = (s: number) => interpolateRdBu(1 - clamp01(s));
    const t = (v: number) => clamp01((v + m) / (2 * m));
    return { kind: "diverging", log: false, domain: [-m, m], t, ramp, color: (v) => ramp(t(v)) };
  }
  const log = o.log ?? false;
  let domain: [number, number];
  if (o.domain) {
    domain = [o.domain[0], o.domain[1]];
  } else if (log) {
    const pos = values.map((a) => Array.from(a).filter((v) => v > 0 && Number.isFinite(v)));
    const ext = finiteExtent(pos);
    domain = ext ? [ext[0], ext[1]] : [1e-12, 1];
    if (domain[0] === domain[1]) domain = [domain[0] / 10, domain[1] * 10];
  } else {
    const ext = finiteExtent(values) ?? [0, 1];
    domain = [Math.min(0, ext[0]), ext[1] > Math.min(0, ext[0]) ? ext[1] : Math.min(0, ext[0]) + 1];
  }
  if (log && !(domain[0] > 0 && domain[1] > domain[0])) {
    throw new ValidationError("domain", `invalid log domain [${domain}]`, "0 < lo < hi");
  }
  if (!(domain[1] > domain[0]))
    throw new ValidationError("domain", `empty domain [${domain}]`, "lo < hi");
  const [lo, hi] = domain;
  const t = log
    ? (v: number) => clamp01(v > 0 ? Math.log(v / lo) / Math.log(hi / lo) : 0)
    : (v: number) => clamp01((v - lo) / (hi - lo));
  const ramp = (s: number) => interpolateViridis(clamp01(s));
  return { kind: "sequential", log, domain, t, ramp, color: (v) => ramp(t(v)) };
}
