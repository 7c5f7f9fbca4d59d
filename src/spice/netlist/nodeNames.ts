import { ValidationError } from "../../core/errors.js";

/**
 * Node names of an array's netlist, one scheme for every netlist cellspice writes:
 *
 *   x_<c>_<i>_<j>   state node of cell (channel c, row i, column j): capacitor voltage V_s·x
 *   y_<c>_<i>_<j>   output node, V_s·f(x)
 *   u_<c>_<i>_<j>   input node of input channel c, V_s·u
 *   w_<c>_<i>_<j>   memristor state node (volts = w) of an M-CellNN cell
 *   m_<c>_<i>_<j>   memristor terminal of a cell whose memristor senses y (memristorCell.ts)
 *
 * Indices are zero-based, like the TypeScript arrays. ngspice lower-cases names; these are
 * lower-case already.
 */
export type NodeKind = "x" | "y" | "u" | "w" | "m";

export interface CellNode {
  kind: NodeKind;
  channel: number;
  row: number;
  col: number;
}

export function nodeName(kind: NodeKind, channel: number, row: number, col: number): string {
  return `${kind}_${channel}_${row}_${col}`;
}

const NODE_PATTERN = /^(?:v\()?([xyuwm])_(\d+)_(\d+)_(\d+)\)?$/;

/** Parses a node name (or a vector name such as `v(x_0_1_2)`) back into its cell. */
export function parseNodeName(name: string): CellNode {
  const m = NODE_PATTERN.exec(name.trim().toLowerCase());
  if (!m) {
    throw new ValidationError(
      "node",
      `${JSON.stringify(name)} is not a cell node`,
      "x_<c>_<i>_<j>, y_…, u_…, w_… or m_… (optionally inside v(…))",
    );
  }
  return { kind: m[1] as NodeKind, channel: Number(m[2]), row: Number(m[3]), col: Number(m[4]) };
}

/** The ngspice vector name of a node voltage, as it appears in raw files. */
export function voltageVector(node: string): string {
  return `v(${node})`;
}
