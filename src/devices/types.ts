/**
 * A voltage-controlled memristor with one internal state variable w (DESIGN.md 2):
 *   i = current(w, v)            [A]
 *   dw/dt = stateRate(w, v)      [1/s]
 * in SI units, with w kept inside [wMin, wMax].
 */
export interface MemristorModel {
  /** Registry name, e.g. "strachan-taox" or "strachan-taox-smooth". */
  readonly name: string;
  /** The parameter set in SI units, by the paper's symbol names. */
  readonly params: Readonly<Record<string, number>>;
  readonly wMin: number;
  readonly wMax: number;
  current(w: number, v: number): number;
  stateRate(w: number, v: number): number;
  /**
   * Optional: current(w, v) into out[0] and stateRate(w, v) into out[1] in one call, with the
   * same values, for models whose two share work (the conductance). Right-hand sides use it when
   * a model has it.
   */
  currentAndRate?(w: number, v: number, out: Float64Array): void;
  /**
   * Partial derivatives at (w, v), written into out as
   * [∂i/∂w, ∂i/∂v, ∂(dw/dt)/∂w, ∂(dw/dt)/∂v]; used by implicit solvers' Jacobians.
   */
  partials(w: number, v: number, out: Float64Array): void;
}
