import { expect } from "vitest";
import { csrToDense } from "../../src/solvers/newtonMatrix.js";
import type { OdeSystem } from "../../src/solvers/types.js";

/**
 * Asserts that system.jacobian at `state` equals central differences of system.rhs, entry by
 * entry, within tol·max(1, |entry|).
 */
export function expectJacobianMatchesDifferences(
  system: OdeSystem,
  state: Float64Array,
  tol: number,
): void {
  const n = system.dim;
  const J = system.jacobian?.(0, state);
  expect(J, "the system provides a Jacobian").toBeDefined();
  const dense = new Float64Array(n * n);
  csrToDense(J!, dense);
  const fp = new Float64Array(n);
  const fm = new Float64Array(n);
  for (let q = 0; q < n; q++) {
    const h = 1e-6 * Math.max(1, Math.abs(state[q]));
    const sp = Float64Array.from(state);
    const sm = Float64Array.from(state);
    sp[q] += h;
    sm[q] -= h;
    system.rhs(0, sp, fp);
    system.rhs(0, sm, fm);
    for (let i = 0; i < n; i++) {
      const fd = (fp[i] - fm[i]) / (2 * h);
      expect(Math.abs(fd - dense[i * n + q]), `∂F[${i}]/∂y[${q}]`).toBeLessThanOrEqual(
        tol * Math.max(1, Math.abs(fd)),
      );
    }
  }
}
