/**
 * Short human-readable descriptions of an array and of the engines' settings, for the report's
 * summary table and the CLI's verdict lines.
 */
import type { Boundary } from "../cells/boundary.js";
import type { CellArray } from "../cells/spec.js";
import type { ArrayTrajectory } from "../engines/trajectory.js";
import { formatNumber, formatSI } from "../plot/svgText.js";

/** "fixed (y = 0, u = −1)", "zero-flux", "periodic". */
export function describeBoundary(b: Boundary): string {
  return b.kind === "fixed" ? `fixed (y = ${formatNumber(b.y)}, u = ${formatNumber(b.u)})` : b.kind;
}

/** "A 3×3, B 3×3, z = −1" (one channel) or "A 2×2×3×3, B 2×1×3×3, z: 2 values". */
export function describeTemplates(a: CellArray): string {
  const shape = (t: CellArray["A"]) =>
    t.outChannels === 1 && t.inChannels === 1
      ? `${t.size}×${t.size}`
      : `${t.outChannels}×${t.inChannels}×${t.size}×${t.size}`;
  const z = a.z.length === 1 ? `z = ${formatNumber(a.z[0])}` : `z: ${a.z.length} values`;
  return `A ${shape(a.A)}, B ${shape(a.B)}, ${z}`;
}

/** "τ = 1 ms, V_s = 200 mV, R = 100 Ω (C = 10 µF)". */
export function describeScales(a: CellArray): string {
  const { tau, Vs, R } = a.scales;
  return `τ = ${formatSI(tau, "s")}, V_s = ${formatSI(Vs, "V")}, R = ${formatSI(R, "Ω")} (C = ${formatSI(tau / R, "F")})`;
}

/** The settings and cost of one engine's run, as report rows. */
export function describeEngine(tr: ArrayTrajectory): Record<string, string> {
  const info = tr.info as Record<string, unknown>;
  const time = `${formatNumber(tr.wallTimeMs / 1000)} s`;
  if (tr.engine === "ngspice") {
    const maxStep = info.maxStep as number | undefined;
    return {
      "ngspice .tran": `max step ${formatNumber(maxStep ?? Number.NaN)} τ, ${String(info.templateForm)} templates, ${String(info.inputForm)} inputs`,
      "ngspice run": `${tr.t.length} time points, ${time}`,
    };
  }
  const settings = (info.settings ?? {}) as { rtol?: number; atol?: number; dt?: number };
  const stats = (info.stats ?? {}) as { steps?: number; rhsEvaluations?: number };
  const tol =
    settings.dt !== undefined
      ? `dt ${formatNumber(settings.dt)} τ`
      : `rtol ${formatNumber(settings.rtol ?? Number.NaN)}, atol ${formatNumber(settings.atol ?? Number.NaN)}`;
  return {
    "cellspice solver": `${String(info.method)}, ${tol}${info.precision === "float32" ? ", float32 A ⋆ f(x)" : ""}`,
    "cellspice run": `${stats.steps ?? "?"} steps, ${stats.rhsEvaluations ?? "?"} evaluations, ${time}`,
  };
}
