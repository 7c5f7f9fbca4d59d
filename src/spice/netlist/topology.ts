import { CellspiceError } from "../../core/errors.js";
import type { Netlist, NetlistStream } from "./model.js";

/**
 * Topology check before running: every node must have a DC path to ground (0). A node reached
 * only through capacitors and current sources has no DC operating point, and ngspice then either
 * reports a singular matrix or silently produces wrong values.
 */
export class TopologyError extends CellspiceError {
  constructor(readonly floatingNodes: string[]) {
    super(
      "netlist-topology",
      `${floatingNodes.length} node(s) have no DC path to ground: ${floatingNodes.slice(0, 10).join(", ")}${floatingNodes.length > 10 ? ", …" : ""}; connect each through a resistor, a voltage source or a subcircuit terminal that conducts`,
      { floatingNodes },
    );
  }
}

export function floatingNodes(n: Netlist | NetlistStream): string[] {
  const parent = new Map<string, string>();
  const find = (a: string): string => {
    let r = a;
    while (parent.get(r) !== r) r = parent.get(r) as string;
    let c = a;
    while (c !== r) {
      const next = parent.get(c) as string;
      parent.set(c, r);
      c = next;
    }
    return r;
  };
  const add = (a: string) => {
    if (!parent.has(a)) parent.set(a, a);
  };
  const join = (a: string, b: string) => {
    add(a);
    add(b);
    parent.set(find(a), find(b));
  };
  add("0");
  const subckts = new Map(n.subcircuits.map((s) => [s.name, s]));
  for (const e of n.elements) {
    for (const node of e.nodes) add(node);
    if (e.kind === "R" || e.kind === "V" || e.kind === "BV") join(e.nodes[0], e.nodes[1]);
    if (e.kind === "G") for (const c of e.control) add(c);
    if (e.kind === "X") {
      const s = subckts.get(e.subckt);
      if (!s) continue;
      for (const g of s.dcGroups)
        for (let k = 1; k < g.length; k++) join(e.nodes[g[0]], e.nodes[g[k]]);
      for (const t of s.groundedTerminals) join(e.nodes[t], "0");
    }
  }
  const ground = find("0");
  return [...parent.keys()].filter((node) => find(node) !== ground).sort();
}

export function checkTopology(n: Netlist | NetlistStream): void {
  const floating = floatingNodes(n);
  if (floating.length > 0) throw new TopologyError(floating);
}
