import type { CellArray } from "../../cells/spec.js";
import type { Element, Subcircuit } from "./model.js";
import { nodeName } from "./nodeNames.js";

/**
 * The memristor of an M-CellNN cell (c, i, j), DESIGN.md 2.3:
 *
 *   C dv/dt = … − i_M(w, v_M),   dw/dt = g(w, v_M),   v_M = V_s·x  or  V_s·f(x)
 *
 * Senses x (`memristor.voltage: "x"`): the two-terminal subcircuit across the cell capacitor,
 * from x to ground.
 *
 * Senses y (`"y"`, the setting of the paper author's public code): the device sits on the
 * output node instead, behind a 0 V source that measures its current, and a current-controlled
 * current source draws that same current out of x:
 *
 *   vm_c_i_j   y_c_i_j → m_c_i_j   0 V: i(vm) = i_M(w, v(y))
 *   xm_c_i_j   m_c_i_j, 0, w_c_i_j the TaOx subcircuit: its state w is driven by v(y)
 *   fm_c_i_j   x_c_i_j → 0         i(vm)·1 out of x
 *
 * The output source is ideal, so the device's current does not change v(y) = V_s·f(x): this is
 * the equation term for term, with no extra node dynamics (an output buffer, in circuit terms).
 */
export function memristorElements(
  array: CellArray,
  sub: Subcircuit,
  c: number,
  i: number,
  j: number,
): Element[] {
  const m = array.memristor;
  if (!m) return [];
  const p = (c * array.rows + i) * array.cols + j;
  const w = nodeName("w", c, i, j);
  const name = `xm${w.slice(1)}`;
  const params = { w0: m.w0[p] };
  if (m.voltage === "x") {
    return [{ kind: "X", name, nodes: [nodeName("x", c, i, j), "0", w], subckt: sub.name, params }];
  }
  const terminal = nodeName("m", c, i, j);
  const sense = `vm${w.slice(1)}`;
  return [
    { kind: "V", name: sense, nodes: [nodeName("y", c, i, j), terminal], dc: 0 },
    { kind: "X", name, nodes: [terminal, "0", w], subckt: sub.name, params },
    {
      kind: "F",
      name: `fm${w.slice(1)}`,
      nodes: [nodeName("x", c, i, j), "0"],
      control: sense,
      gain: 1,
    },
  ];
}
