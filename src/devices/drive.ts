/**
 * A single memristor under a voltage drive v(t), as an OdeSystem for its state w, so that any
 * solver can integrate it (DESIGN.md 2.1's test drive: v = 0.45 V·sin(2π·3 Hz·t), w(0) = 0.1).
 */
import type { CsrMatrix } from "../core/sparse.js";
import type { OdeSystem } from "../solvers/types.js";
import type { MemristorModel } from "./types.js";

/** A voltage waveform v(t) [V] of time t [s]. */
export type VoltageDrive = (t: number) => number;

/** v(t) = amplitude·sin(2π·frequency·t + phase). */
export function sinusoid(amplitude: number, frequency: number, phase = 0): VoltageDrive {
  const omega = 2 * Math.PI * frequency;
  return (t) => amplitude * Math.sin(omega * t + phase);
}

/** v(t) = v. */
export function constantVoltage(v: number): VoltageDrive {
  return () => v;
}

/**
 * dw/dt = g(w, v(t)) with a 1×1 analytic Jacobian ∂g/∂w; state vector y = [w].
 * Give adaptive solvers a largest step (hMax) of at most a twentieth of the drive period: the
 * rate is negligible except near the voltage peaks, and an unbounded step can jump over whole
 * half-cycles (dopri5 without hMax ends the 0.45 V, 3 Hz test drive at w(1 s) = 0.373 instead of
 * 0.110; with hMax = 0.01 s it gives 0.1099764).
 */
export function memristorDriveSystem(model: MemristorModel, drive: VoltageDrive): OdeSystem {
  const partials = new Float64Array(4);
  const jac: CsrMatrix = {
    rows: 1,
    cols: 1,
    rowPtr: Int32Array.of(0, 1),
    colIdx: Int32Array.of(0),
    values: new Float64Array(1),
  };
  return {
    dim: 1,
    rhs(t, y, dydt) {
      dydt[0] = model.stateRate(y[0], drive(t));
    },
    jacobian(t, y) {
      model.partials(y[0], drive(t), partials);
      jac.values[0] = partials[2];
      return jac;
    },
  };
}

/** The drive voltage and the memristor current at the times t of a solved state w(t). */
export function driveWaveforms(
  model: MemristorModel,
  drive: VoltageDrive,
  t: ArrayLike<number>,
  w: ArrayLike<number>,
): { v: Float64Array; i: Float64Array } {
  const v = new Float64Array(t.length);
  const i = new Float64Array(t.length);
  for (let k = 0; k < t.length; k++) {
    v[k] = drive(t[k]);
    i[k] = model.current(w[k], v[k]);
  }
  return { v, i };
}
