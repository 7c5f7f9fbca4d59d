import { formatSpiceNumber as num } from "../../core/spiceNumber.js";

/**
 * A small structured netlist: elements with their nodes and values, rendered to ngspice text by
 * `renderNetlist`. Keeping the structure (rather than strings) lets the topology check and the
 * tests read the circuit back.
 */
export type Element =
  | { kind: "R"; name: string; nodes: [string, string]; value: number }
  | { kind: "C"; name: string; nodes: [string, string]; value: number; ic?: number }
  | {
      kind: "V";
      name: string;
      nodes: [string, string];
      dc: number;
      sin?: { amplitude: number; frequency: number };
    }
  | { kind: "I"; name: string; nodes: [string, string]; dc: number }
  /** Linear voltage-controlled current source: gain·V(control) flows from nodes[0] to nodes[1] inside the element, i.e. into nodes[1]. */
  | { kind: "G"; name: string; nodes: [string, string]; control: [string, string]; gain: number }
  /**
   * Linear current-controlled current source: gain·i(control) flows from nodes[0] to nodes[1]
   * inside the element (out of nodes[0] into the source); `control` names a voltage source.
   */
  | { kind: "F"; name: string; nodes: [string, string]; control: string; gain: number }
  /** Behavioural voltage source V = expr. */
  | { kind: "BV"; name: string; nodes: [string, string]; expr: string }
  /** Behavioural current source I = expr, flowing into nodes[1]. */
  | { kind: "BI"; name: string; nodes: [string, string]; expr: string }
  | { kind: "X"; name: string; nodes: string[]; subckt: string; params: Record<string, number> };

/** A subcircuit definition and which of its terminals it connects through a DC path. */
export interface Subcircuit {
  name: string;
  text: string;
  /** Groups of terminal positions joined by DC paths inside (for the topology check). */
  dcGroups: number[][];
  /** Terminal positions that have a DC path to ground inside. */
  groundedTerminals: number[];
}

export interface Netlist {
  /** The first line of every SPICE netlist is its title. */
  title: string;
  comments: string[];
  options: string[];
  subcircuits: Subcircuit[];
  elements: Element[];
  saves: string[];
  tran: { step: number; stop: number; maxStep?: number; uic: boolean };
  /**
   * Lines of a `.control` block (without `.control`/`.endc`), e.g. `controlBlock(...)`, so that
   * `ngspice -b FILE` runs the netlist by itself. cellspice's own runner leaves it out.
   */
  control?: string[];
}

/** A netlist whose elements are produced one at a time (a whole trained layer, streamed). */
export type NetlistStream = Omit<Netlist, "elements"> & { elements: Iterable<Element> };

export function renderElement(e: Element): string {
  switch (e.kind) {
    case "R":
    case "I":
      return `${e.name} ${e.nodes.join(" ")} ${num(e.kind === "R" ? e.value : e.dc)}`;
    case "C":
      return `${e.name} ${e.nodes.join(" ")} ${num(e.value)}${e.ic === undefined ? "" : ` ic=${num(e.ic)}`}`;
    case "V":
      return e.sin
        ? `${e.name} ${e.nodes.join(" ")} dc ${num(e.dc)} sin(${num(e.dc)} ${num(e.sin.amplitude)} ${num(e.sin.frequency)})`
        : `${e.name} ${e.nodes.join(" ")} dc ${num(e.dc)}`;
    case "F":
      return `${e.name} ${e.nodes.join(" ")} ${e.control} ${num(e.gain)}`;
    case "G":
      return `${e.name} ${e.nodes.join(" ")} ${e.control.join(" ")} ${num(e.gain)}`;
    case "BV":
      return `${e.name} ${e.nodes.join(" ")} v=${e.expr}`;
    case "BI":
      return `${e.name} ${e.nodes.join(" ")} i=${e.expr}`;
    case "X": {
      const params = Object.entries(e.params).map(([k, v]) => `${k}=${num(v)}`);
      return [e.name, ...e.nodes, e.subckt, ...(params.length ? ["params:", ...params] : [])].join(
        " ",
      );
    }
  }
}

/** The netlist text. Same netlist, same bytes: no dates, paths or hash-ordered output. */
export function renderNetlist(n: Netlist | NetlistStream): string {
  return `${[...netlistLines(n)].join("\n")}\n`;
}

/**
 * The netlist's lines (cards), one at a time and without newlines: `renderNetlist` joins them,
 * `writeNetlistFile` streams them to a file so that memory does not grow with the text.
 */
export function* netlistLines(n: Netlist | NetlistStream): Generator<string> {
  yield n.title.replace(/[\r\n]+/g, " ");
  for (const c of n.comments) yield `* ${c.replace(/[\r\n]+/g, " ")}`;
  for (const o of n.options) yield `.options ${o}`;
  for (const s of n.subcircuits) yield s.text.trimEnd();
  for (const e of n.elements) yield renderElement(e);
  if (n.saves.length) yield* wrap(".save", n.saves);
  const { step, stop, maxStep, uic } = n.tran;
  yield `.tran ${num(step)} ${num(stop)} 0${maxStep === undefined ? "" : ` ${num(maxStep)}`}${uic ? " uic" : ""}`;
  if (n.control) yield* [".control", ...n.control, ".endc"];
  yield ".end";
}

/** A long list of words as a card continued with `+` lines. */
export function wrap(card: string, words: string[], width = 100): string[] {
  const out: string[] = [];
  let line = card;
  for (const w of words) {
    if (line.length + 1 + w.length > width && line !== card && line !== "+") {
      out.push(line);
      line = "+";
    }
    line += ` ${w}`;
  }
  out.push(line);
  return out;
}
