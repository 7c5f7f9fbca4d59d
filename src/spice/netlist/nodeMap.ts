import type { CellArray } from "../../cells/spec.js";
import { ValidationError } from "../../core/errors.js";
import type { RegionNetlist } from "./cellArray.js";
import { type NodeKind, nodeName, parseNodeName } from "./nodeNames.js";

/**
 * The node map written beside an exported netlist (`<netlist>.nodes.json`): every cell node of
 * the netlist → its layer, kind, channel, row and column in the layer, and its role in this
 * netlist — a cell simulated here, a ring output driven by a PWL source, or an input source.
 * With the scales it turns a raw file back into the layer's normalised states:
 * x = v(x_c_i_j)/V_s at t = time/τ.
 */
export interface NodeMap {
  format: typeof NODE_MAP_FORMAT;
  format_version: 1;
  netlist: string;
  layer: string;
  /** The layer's shape: channels × rows × cols cells, inputChannels × rows × cols inputs. */
  array: { channels: number; inputChannels: number; rows: number; cols: number };
  /** The region the netlist simulates: the whole layer or one tile (origin and size). */
  tile: { row0: number; col0: number; rows: number; cols: number; whole: boolean };
  scales: { tau_s: number; Vs_V: number; R_ohm: number };
  units: Record<string, string>;
  nodes: Record<string, NodeEntry>;
}

export interface NodeEntry {
  kind: NodeKind;
  channel: number;
  row: number;
  col: number;
  role: "cell" | "ring" | "input";
}

export const NODE_MAP_FORMAT = "cellspice-node-map";

/** The node map of a region netlist (deterministic order: inputs, ring, then cells by kind). */
export function buildNodeMap(array: CellArray, built: RegionNetlist, netlistFile: string): NodeMap {
  const nodes: Record<string, NodeEntry> = {};
  const add = (kind: NodeKind, c: number, i: number, j: number, role: NodeEntry["role"]) => {
    nodes[nodeName(kind, c, i, j)] = { kind, channel: c, row: i, col: j, role };
  };
  for (let c = 0; c < array.inputChannels; c++)
    for (const [i, j] of built.inputs) add("u", c, i, j, "input");
  for (let c = 0; c < array.channels; c++)
    for (const [i, j] of built.ring) add("y", c, i, j, "ring");
  const r = built.region;
  const kinds: NodeKind[] = ["x", "y"];
  if (array.memristor)
    kinds.push("w", ...(array.memristor.voltage === "y" ? (["m"] as const) : []));
  for (const kind of kinds)
    for (let c = 0; c < array.channels; c++)
      for (let i = r.row0; i < r.row0 + r.rows; i++)
        for (let j = r.col0; j < r.col0 + r.cols; j++) add(kind, c, i, j, "cell");
  return {
    format: NODE_MAP_FORMAT,
    format_version: 1,
    netlist: netlistFile,
    layer: array.name,
    array: {
      channels: array.channels,
      inputChannels: array.inputChannels,
      rows: array.rows,
      cols: array.cols,
    },
    tile: { ...r, whole: r.rows === array.rows && r.cols === array.cols },
    scales: { tau_s: array.scales.tau, Vs_V: array.scales.Vs, R_ohm: array.scales.R },
    units: {
      time: "s; t = time/tau_s in units of tau",
      x: "V; x = v/Vs_V",
      y: "V; y = f(x) = v/Vs_V",
      u: "V; u = v/Vs_V",
      w: "V = memristor state w (dimensionless)",
      m: "V; memristor terminal, equal to y",
    },
    nodes,
  };
}

/** Reads a node map back (JSON text or parsed), checking that every name matches its entry. */
export function parseNodeMap(doc: unknown, source = "node map"): NodeMap {
  const m = doc as Partial<NodeMap>;
  const fail = (field: string, problem: string, valid: string): never => {
    throw new ValidationError(`${source}:${field}`, problem, valid);
  };
  if (m?.format !== NODE_MAP_FORMAT)
    fail("format", `got ${JSON.stringify(m?.format)}`, JSON.stringify(NODE_MAP_FORMAT));
  if (m.format_version !== 1) fail("format_version", `got ${m.format_version}`, "1");
  if (typeof m.nodes !== "object" || m.nodes === null) fail("nodes", "missing", "an object");
  const a = m.array as NodeMap["array"];
  for (const [name, e] of Object.entries(m.nodes as Record<string, NodeEntry>)) {
    const parsed = parseNodeName(name);
    if (
      parsed.kind !== e.kind ||
      parsed.channel !== e.channel ||
      parsed.row !== e.row ||
      parsed.col !== e.col
    )
      fail(
        `nodes.${name}`,
        `entry ${JSON.stringify(e)}`,
        "the kind, channel, row and col its name says",
      );
    const channels = e.kind === "u" ? a.inputChannels : a.channels;
    if (!(e.channel < channels && e.row < a.rows && e.col < a.cols))
      fail(
        `nodes.${name}`,
        "lies outside the layer",
        `channel < ${channels}, row < ${a.rows}, col < ${a.cols}`,
      );
    if (!["cell", "ring", "input"].includes(e.role))
      fail(`nodes.${name}.role`, `got ${JSON.stringify(e.role)}`, '"cell", "ring" or "input"');
  }
  return m as NodeMap;
}
